// The bin gives V8's grown young generation back when it falls idle (src/idle.ts), and only then.
// V8's memory reducer, which on its own may shrink it some seconds after a load, is switched off in
// these processes, so that what shrinks it here is the release, and the process without it shows so.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'

const GROWN = 4

// The young generation's size in MiB, as the process reported it every 250 ms for 8 s.
async function sizes (mode: 'idle' | 'off' | 'busy' | 'was-busy'): Promise<number[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-memory-reducer', '--import', './test/typescript.mjs', 'test/idle-process.ts', mode])
  return stdout.trim().split('\n').map(line => Number(line.split(' ')[1]))
}

t.test('an idle process gives its grown young generation back, soon after a busy spell too; a busy one, or one without the release, keeps it', async t => {
  const [idle, off, busy, wasBusy] = await Promise.all([sizes('idle'), sizes('off'), sizes('busy'), sizes('was-busy')])
  for (const [name, reported] of Object.entries({ idle, off, busy, wasBusy })) {
    t.ok(reported.length >= 8, `${name}: reported while it ran`)
    t.ok(reported[0]! > GROWN, `${name}: the load grew the young generation (${reported[0]} MiB)`)
  }
  t.ok(idle.at(-1)! <= GROWN, `idle, with the release: given back (${idle.join(' ')})`)
  t.ok(off.every(size => size > GROWN), `idle, without the release: kept (${off.join(' ')})`)
  t.ok(busy.every(size => size > GROWN), `busy, with the release: kept (${busy.join(' ')})`)
  // Idle is judged by the last interval, not the whole life of the process.
  t.ok(wasBusy.at(-1)! <= GROWN, `busy for 2 s, then idle, with the release: given back (${wasBusy.join(' ')})`)
})
