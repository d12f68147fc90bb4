// `npm run bench`: figures for the routes, each against a ceiling measured in the same run.
// Servers run in child processes on loopback; autocannon loads them from this process.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { SEED } from '../test/seed.js'
import { defaultConfig } from '../src/config.js'

const DURATION = Number(process.env.BENCH_SECONDS ?? 3)
// The machine is shared: every route is measured in each of several rounds, interleaved with the
// others, and its median kept, so that a ratio compares figures taken side by side.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 10
const root = fileURLToPath(new URL('..', import.meta.url))
const admin = defaultConfig().adminApiKey
const children: ChildProcess[] = []

async function start (script: string, env: Record<string, string>): Promise<{ url: string, child: ChildProcess }> {
  const child = spawn(process.execPath, [script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const [line] = await once(child.stdout!, 'data') as [Buffer]
  return { url: line.toString().trim(), child }
}

type Request = { method?: 'POST' | 'PUT', body?: string }
type Figures = { rps: number, p50: number, p99: number }

async function load (url: string, headers: Record<string, string> = {}, request: Request = {}, warm = false): Promise<Figures> {
  const options = { url, connections: CONNECTIONS, headers, ...request }
  if (warm) await autocannon({ ...options, duration: 1 })
  const result = await autocannon({ ...options, duration: DURATION })
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

// Process start to the first 200 answered on `path`: the real entry point, and a bare Fastify
// process for the floor this machine puts under any Fastify server.
async function timeToFirst200 (args: string[], path: string): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const began = performance.now()
  const child = spawn(process.execPath, [...args, '--port', String(port), '--log-level', 'warn'],
    { cwd: root, stdio: 'ignore', env: { ...process.env, PORT: String(port) } })
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(r => r.ok, () => false)
      if (ok) return performance.now() - began
      if (performance.now() - began > 10_000) throw new Error('the server did not answer within 10 s')
      await new Promise(resolve => setTimeout(resolve, 2))
    }
  } finally {
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
}

try {
  const auth = { 'x-portkey-api-key': admin }
  const big = await start('bench/server.mjs', { KEYS: '100000' })
  const small = await start('bench/server.mjs', { KEYS: '1000' })
  const unjournalled = await start('bench/server.mjs', { KEYS: '100000', JOURNAL: '0' })
  const one = await (await fetch(`${big.url}/v1/api-keys/${SEED.apiKeys.researchPipeline}`, { headers: auth })).text()
  const ceiling = await start('bench/ceiling.mjs', { BODY: one })

  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-bench-'))
  const onFile = await start('bench/server.mjs', { KEYS: '100000', DB: join(dir, 'bench.db') })
  // Writes go to stores of their own, so that they do not change what the lists are compared on.
  const writes = await start('bench/server.mjs', { KEYS: '1000' })
  const writesOnFile = await start('bench/server.mjs', { KEYS: '1000', DB: join(dir, 'writes.db') })
  const json = { ...auth, 'content-type': 'application/json' }
  const create = { method: 'POST' as const, body: JSON.stringify({ name: 'bench', scopes: ['completions.write'], workspace_id: SEED.workspaces.shared.slug }) }
  const update = { method: 'PUT' as const, body: JSON.stringify({ name: 'renamed', rate_limits: [{ type: 'requests', unit: 'rpm', value: 10 }] }) }
  const routes: [string, string, Record<string, string>, Request][] = [
    [`ceiling: bare route, constant ${one.length}-byte body`, `${ceiling.url}/`, {}, {}],
    ['GET /api-keys/{id}                 (100,000 keys)', `${big.url}/v1/api-keys/${SEED.apiKeys.researchPipeline}`, auth, {}],
    ['GET /api-keys                      (100,000 keys)', `${big.url}/v1/api-keys`, auth, {}],
    ['GET /api-keys?workspace_id=<slug>  (100,000 keys)', `${big.url}/v1/api-keys?workspace_id=${SEED.workspaces.shared.slug}`, auth, {}],
    ['GET /api-keys                        (1,000 keys)', `${small.url}/v1/api-keys`, auth, {}],
    ['GET /api-keys?workspace_id=<slug>    (1,000 keys)', `${small.url}/v1/api-keys?workspace_id=${SEED.workspaces.shared.slug}`, auth, {}],
    ['POST /api-keys/workspace/service     (in memory)', `${writes.url}/v1/api-keys/workspace/service`, json, create],
    ['POST /api-keys/workspace/service   (--db FILE)', `${writesOnFile.url}/v1/api-keys/workspace/service`, json, create],
    ['PUT /api-keys/{id}                   (in memory)', `${writes.url}/v1/api-keys/${SEED.apiKeys.sharedCi}`, json, update],
    ['PUT /api-keys/{id}                 (--db FILE)', `${writesOnFile.url}/v1/api-keys/${SEED.apiKeys.sharedCi}`, json, update],
    ['GET /admin/workspaces                    (seed)', `${small.url}/v1/admin/workspaces`, auth, {}],
    ['GET /admin/workspaces/{id}   (with its members)', `${small.url}/v1/admin/workspaces/${SEED.workspaces.research.id}`, auth, {}],
    ['GET /api-keys/{id}     (100,000 keys, no journal)', `${unjournalled.url}/v1/api-keys/${SEED.apiKeys.researchPipeline}`, auth, {}],
  ]
  // Memory of the 100,000-key stores once each has served lists, before the writes grow them.
  await load(`${big.url}/v1/api-keys`, auth, {}, true)
  await load(`${onFile.url}/v1/api-keys`, auth, {}, true)
  const rss = rssMb(big.child.pid!)
  const rssFile = rssMb(onFile.child.pid!)

  const samples: Figures[][] = routes.map(() => [])
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, url, headers, request]] of routes.entries()) samples[i].push(await load(url, headers, request, round === 0))
  }
  const rows = routes.map(([name], i): [string, Figures] => [name, samples[i].sort((a, b) => a.rps - b.rps)[Math.floor(ROUNDS / 2)]])

  // The store controls, timed as a test suite meets them: one HTTP request each, median of 5, beside
  // the round trip of the health route on the same server. Reset is timed from a restored 100,000.
  const timed = async (url: string, method = 'POST') => {
    const began = performance.now()
    const response = await fetch(url, { method })
    if (!response.ok) throw new Error(`${url}: ${response.status}`)
    await response.arrayBuffer()
    return performance.now() - began
  }
  const medianOf = async (measure: () => Promise<number>) => {
    const runs: number[] = []
    for (let i = 0; i < 5; i++) runs.push(await measure())
    return runs.sort((a, b) => a - b)[2]
  }
  const controls: [string, number][] = []
  for (const [label, server] of [['1,000 keys', small], ['100,000 keys', big], ['100,000, file', onFile]] as const) {
    const row = (what: string) => `${what.padEnd(42)} (${label})`
    controls.push([row('health round trip, ms'), await medianOf(() => timed(`${server.url}/__mock/health`, 'GET'))])
    controls.push([row('POST /__mock/snapshots/{name}, ms'), await medianOf(() => timed(`${server.url}/__mock/snapshots/bench`))])
    controls.push([row('POST /__mock/snapshots/{name}/restore, ms'), await medianOf(() => timed(`${server.url}/__mock/snapshots/bench/restore`))])
    controls.push([row('POST /__mock/reset, ms'), await medianOf(async () => {
      await timed(`${server.url}/__mock/snapshots/bench/restore`)
      return await timed(`${server.url}/__mock/reset`)
    })])
  }

  const median = async (args: string[], path: string) => {
    const runs: number[] = []
    for (let i = 0; i < 5; i++) runs.push(await timeToFirst200(args, path))
    return runs.sort((a, b) => a - b)[2]
  }
  rmSync(dir, { recursive: true, force: true })
  const startup = await median(['dist/server.js'], '/__mock/health')
  const bareStartup = await median(['bench/ceiling.mjs'], '/')

  const base = rows[0][1].rps
  console.log(`\nportkey-mock bench: ${CONNECTIONS} connections, median of ${ROUNDS} interleaved rounds of ${DURATION} s a route, Node ${process.version}, ${new Date().toISOString()}\n`)
  console.log(`${'route'.padEnd(52)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'x ceiling'.padStart(10)}`)
  for (const [name, r] of rows) {
    console.log(`${name.padEnd(52)} ${r.rps.toFixed(0).padStart(9)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${(r.rps / base).toFixed(2).padStart(10)}`)
  }
  const rps = (i: number) => rows[i][1].rps
  const targets: [string, number, string, boolean][] = [
    ['GET /api-keys/{id} / ceiling', rps(1) / base, '>= 0.70', rps(1) / base >= 0.7],
    ['list at 100,000 / list at 1,000', rps(2) / rps(4), '>= 0.90', rps(2) / rps(4) >= 0.9],
    ['list by workspace at 100,000 / at 1,000', rps(3) / rps(5), '>= 0.90', rps(3) / rps(5) >= 0.9],
    ['creates (in memory) / ceiling', rps(6) / base, '>= 0.25', rps(6) / base >= 0.25],
    ['process start to first 200, ms (median of 5)', startup, '<= 300', startup <= 300],
    ['resident memory at 100,000 keys, MB (in memory)', rss, '< 150', rss < 150],
    ['GET /api-keys/{id}, journal on / off', rps(1) / rps(12), '>= 0.95', rps(1) / rps(12) >= 0.95],
    ['restore a snapshot at 100,000 keys, ms (in memory)', controls[6][1], '< 50', controls[6][1] < 50],
  ]
  console.log(`\n${'target'.padEnd(52)} ${'measured'.padStart(9)} ${'goal'.padStart(9)}`)
  for (const [name, value, goal, met] of targets) {
    console.log(`${name.padEnd(52)} ${value.toFixed(2).padStart(9)} ${goal.padStart(9)}  ${met ? 'met' : 'MISSED'}`)
  }
  console.log(`\n${'store controls'.padEnd(52)} ${'measured'.padStart(9)}`)
  for (const [name, value] of controls) console.log(`${name.padEnd(60)} ${value.toFixed(2).padStart(9)}`)
  console.log(`\n${'for context'.padEnd(52)} ${'measured'.padStart(9)}`)
  console.log(`${'bare Fastify process start to first 200, ms'.padEnd(52)} ${bareStartup.toFixed(2).padStart(9)}`)
  console.log(`${'resident memory at 100,000 keys, MB (--db FILE)'.padEnd(52)} ${rssFile.toFixed(2).padStart(9)}`)
  console.log(`${'GET /admin/workspaces/{id} / GET /api-keys/{id}'.padEnd(52)} ${(rps(11) / rps(1)).toFixed(2).padStart(9)}`)
  console.log(`${'GET /admin/workspaces / GET /api-keys (1,000 keys)'.padEnd(52)} ${(rps(10) / rps(4)).toFixed(2).padStart(9)}`)
} finally {
  for (const child of children) child.kill('SIGTERM')
}
