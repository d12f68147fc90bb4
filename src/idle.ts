import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'

// Under load V8 grows its young generation to two semi-spaces of 16 MiB, and gives the pages back
// only in a scavenge that finds allocation has been low for some seconds, which a server at rest
// never runs: at 100,000 keys that was 34 of its 190 MB resident, kept for as long as it stayed idle.
// So while the event loop is idle and the young generation has grown, a scavenge is run each
// interval, and V8 shrinks the young generation at the first one its own rule allows (1 to 8 s
// after the load, here). Under load nothing is done. Only for a process of the stand-in's own (the
// bin, the bench's servers): the collector of a test runner that imports the library is not ours.

/** Below this share of the interval spent running, the process counts as idle. */
const IDLE = 0.05
/** A young generation of this size or less is left alone (V8 starts it at 1 MiB). */
const GROWN = 4 * 1024 * 1024

type Collect = (options: { type: 'minor' }) => void

// V8 offers its collector to scripts only under --expose-gc; set at run time it applies to contexts
// made afterwards, so one is made to take it, and the flag is cleared again for any made later.
function scavenger (): Collect {
  v8.setFlagsFromString('--expose-gc')
  try {
    return vm.runInNewContext('gc') as Collect
  } finally {
    v8.setFlagsFromString('--no-expose-gc')
  }
}

const youngGeneration = () => v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')?.physical_space_size ?? 0

/** From now on, gives the young generation's grown pages back whenever the process is idle. */
export function releaseMemoryWhenIdle (intervalMs = 1000): void {
  const collect = scavenger()
  let since = performance.eventLoopUtilization()
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    const idle = performance.eventLoopUtilization(now, since).utilization < IDLE
    since = now
    if (idle && youngGeneration() > GROWN) collect({ type: 'minor' })
  }, intervalMs)
  // It never keeps a process alive that would otherwise exit.
  timer.unref()
}
