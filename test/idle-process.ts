// A process for test/idle.test.ts: grows V8's young generation, then, as MODE says, rests with the
// idle release on (`idle`) or off (`off`), stays busy with it on (`busy`), or is busy for 2 s and
// then rests (`was-busy`); it prints the young generation's size in MiB every 250 ms, for 8 s.
import v8 from 'node:v8'
import { releaseMemoryWhenIdle } from '../src/idle.js'

const mode = process.argv[2]
const young = () => v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')!.physical_space_size / 2 ** 20

// A load that keeps part of what it makes, as a server's does, until the young generation is full grown.
const kept: object[] = new Array(50_000)
for (let i = 0; young() < 16 && i < 100_000; i++) {
  for (let j = 0; j < 1000; j++) kept[(i * 1000 + j) % kept.length] = { i, j, text: String(i * j) }
}
kept.length = 0
if (mode !== 'off') releaseMemoryWhenIdle(100)

// Busy without allocating (so that V8 would shrink the young generation at any scavenge): ~200 ms
// of integer sums at a time, between 5 ms rests; for the whole run (`busy`) or its first 2 s
// (`was-busy`).
if (mode === 'busy' || mode === 'was-busy') {
  const until = mode === 'busy' ? Infinity : Date.now() + 2000
  let sum = 0
  const spin = () => {
    for (let k = 0; k < 50_000_000; k++) sum = (sum + k) | 0
    if (Date.now() < until) setTimeout(spin, 5)
  }
  spin()
}

const start = Date.now()
setInterval(() => {
  process.stdout.write(`${Date.now() - start} ${young()}\n`)
  if (Date.now() - start >= 8000) process.exit(0)
}, 250)
