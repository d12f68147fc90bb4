// The journal's cost counted, not timed: valgrind's cachegrind counts the instructions a key read
// runs (and simulated cache misses, of instructions as of data), which do not move with the
// machine's load as rates do. For each journal size (JOURNALS, `1000,0` by default), a server of
// bench/server.mjs (1,000 keys) runs under cachegrind twice, loaded over ten kept-alive connections
// with 12,000 reads and with 42,000; the difference of the two counts is 30,000 reads in a steady
// state. V8 runs with --predictable, so that its collector works at the same points of the load;
// the collector's and the compiler's functions still vary by ~2,000 instructions a read between
// runs, so they are counted apart from the rest. Needs valgrind (cg_diff, cg_annotate); takes ~4
// minutes. Run on the built app (dist/).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

const READS = [12_000, 42_000]
const CONNECTIONS = 10
const admin = { 'x-portkey-api-key': 'admin-dev-key-portkey-mock-000001' }
const sizes = (process.env.JOURNALS ?? '1000,0').split(',')
const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-instructions-'))
// First-level instruction and data caches of 32 KB and a second level of 1 MB, as each core of these
// machines has (cachegrind simulates two levels: their shared 32 MB third is left out).
const CACHES = ['--I1=32768,8,64', '--D1=32768,8,64', '--LL=1048576,16,64']
const COLLECTOR = /Scaveng|Mark|Sweep|Evacuat|Remembered|Slot|HashSeed|IterateObjectCache|SizeFromMap|Worklist|LiveObject|RecordWrite|Heap::|heap::|BodyDescriptor|Visit|PagedSpace|NewSpace|LargeObject|FreeList|Collector|GCTracer|Weak|Ephemeron|Root/
const COMPILER = /compiler::|AstValueFactory|Parser|Scanner|Bytecode|[Mm]aglev|Compile|Zone|Deoptimiz|interpreter::/

const fetchJson = (url, agent) => new Promise((resolve, reject) => {
  get(url, { agent, headers: admin }, response => {
    let text = ''
    response.on('data', chunk => { text += chunk })
    response.on('end', () => response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${url}: ${response.statusCode}`)))
  }).on('error', reject)
})

/** One server under cachegrind, loaded with `reads` key reads; resolves once its counts are written. */
async function count (size, reads, out) {
  const child = spawn('valgrind', ['--tool=cachegrind', '--cache-sim=yes', ...CACHES, `--cachegrind-out-file=${out}`,
    process.execPath, '--predictable', 'bench/server.mjs'], { cwd: root, env: { ...process.env, KEYS: '1000', JOURNALS: size }, stdio: ['ignore', 'pipe', 'ignore'] })
  let url
  for await (const line of createInterface({ input: child.stdout })) {
    if (/^http:\/\/\S+$/.test(line)) { url = line; break }
  }
  if (url === undefined) throw new Error('the server did not start under valgrind')
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  const { data: [key] } = await fetchJson(`${url}/v1/api-keys?page_size=1`, agent)
  let sent = 0
  const worker = async () => { while (sent++ < reads) await fetchJson(`${url}/v1/api-keys/${key.id}`, agent) }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  agent.destroy()
  const ended = new Promise(resolve => child.on('exit', resolve))
  child.kill('SIGTERM')
  await ended
}

/** Instructions and misses a read in the difference of two counts, split by who ran them. */
function split (first, second, reads) {
  const diff = `${second}.diff`
  writeFileSync(diff, execFileSync('cg_diff', [first, second], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }))
  const table = execFileSync('cg_annotate', ['--show=Ir,I1mr,D1mr,D1mw,DLmr,DLmw', '--threshold=0', '--auto=no', diff], { encoding: 'utf8', maxBuffer: 1 << 28 })
  const sums = { rest: [0, 0, 0, 0, 0, 0], collector: [0, 0, 0, 0, 0, 0], compiler: [0, 0, 0, 0, 0, 0] }
  for (const line of table.split('\n')) {
    const cells = line.replace(/\([^)]*\)/g, '').trim().split(/\s+/)
    if (cells.length < 7 || !/^-?[\d,]+$/.test(cells[0]) || line.includes('PROGRAM TOTALS')) continue
    const name = cells.slice(6).join(' ')
    const kind = COLLECTOR.test(name) ? 'collector' : COMPILER.test(name) ? 'compiler' : 'rest'
    for (let i = 0; i < 6; i++) sums[kind][i] += Number(cells[i].replaceAll(',', ''))
  }
  return Object.fromEntries(Object.entries(sums).map(([kind, values]) => [kind, values.map(value => value / reads)]))
}

try {
  const results = await Promise.all(sizes.map(async size => {
    const outs = READS.map(reads => join(dir, `journal-${size}-${reads}`))
    for (const [n, reads] of READS.entries()) await count(size, reads, outs[n])
    return [size, split(outs[0], outs[1], READS[1] - READS[0])]
  }))
  console.log(`a key read at 1,000 keys, ${READS[1] - READS[0]} reads in a steady state, counted by cachegrind`)
  console.log(`${'journal size'.padEnd(14)}${'who'.padEnd(11)}${['instructions', 'I1 misses', 'D1 read misses', 'D1 write misses', 'L2 read misses', 'L2 write misses'].map(h => h.padStart(17)).join('')}`)
  for (const [size, sums] of results) {
    for (const [kind, values] of Object.entries(sums)) {
      console.log(`${size.padEnd(14)}${kind.padEnd(11)}${values.map(value => value.toFixed(value < 1000 ? 1 : 0).padStart(17)).join('')}`)
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
