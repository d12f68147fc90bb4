// `npm test`: the whole suite under tap, then one closing line `N passed, N failed` taken from tap's
// own counts (CI reads that line, not tap's summary). Exits non-zero on any failure.
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// Built once, first: the tests of the package and of the image's layout run the built program, and
// none of them may rebuild it while another reads it.
execFileSync('npm', ['run', 'build', '--silent'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' })

const tap = fileURLToPath(new URL('../node_modules/.bin/tap', import.meta.url))
const child = spawn(tap, ['--reporter=tap', ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] })

// tap's last line of counts, e.g. `# { total: 120, pass: 118, fail: 1, skip: 1 }`.
let counts: Record<string, number> | undefined
let pending = ''
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk)
  const lines = (pending + chunk.toString()).split('\n')
  pending = lines.pop()!
  for (const line of lines) {
    const match = /^# \{ (total: \d+(?:, \w+: \d+)*) \}$/.exec(line)
    if (match) counts = Object.fromEntries(match[1].split(', ').map(pair => pair.split(': ')).map(([k, v]) => [k, Number(v)]))
  }
})

child.on('close', (code, signal) => {
  if (!counts) {
    console.log(`tap printed no counts (exit ${code ?? signal})`)
    process.exit(1)
  }
  const failed = counts.fail ?? 0
  const skipped = (counts.skip ?? 0) + (counts.todo ?? 0)
  console.log(`${counts.pass ?? 0} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  process.exit(code === 0 && failed === 0 ? 0 : 1)
})
