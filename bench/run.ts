// `npm run bench`: figures for the routes, each beside a baseline measured in the same run.
// Servers run in child processes on loopback; autocannon loads them from this process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { SEED } from '../test/seed.js'
import { defaultConfig } from '../src/config.js'

const DURATION = Number(process.env.BENCH_SECONDS ?? 3)
// The machine is shared: every route is measured in each of several rounds, interleaved with the
// others, and its median kept, so that a ratio compares figures taken side by side.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CEILINGS = 3
const PAIRS = 9
// Turns of the workspace routes' comparison: a quotient of two 1 s loads swings up to ±8% here.
const TURNS = 12
const CONNECTIONS = 10
// How long a server is left alone before its memory at rest is read: V8 shrinks its young generation
// ~8 s after a load, at the first scavenge it allows (src/idle.ts).
const REST_MS = 15_000
const root = fileURLToPath(new URL('..', import.meta.url))
// Portkey's own fragment for the API-keys routes, which Prism mocks as it stands.
const FRAGMENT = join(root, '../shared/reference/portkey-api-keys.openapi.yaml')
const PRISM = join(root, 'bench/prism')
const admin = defaultConfig().adminApiKey
const children: ChildProcess[] = []

// A child that prints its URL on a line of its own on stdout (`count` URLs, one a line, for a child
// serving more than one app); the rest of its output (the log) is read and dropped, as a container's
// log is.
async function start (command: string[], env: Record<string, string> = {}, url = /^http:\/\/\S+$/, count = 1): Promise<{ url: string, urls: string[], child: ChildProcess }> {
  const child = spawn(process.execPath, command, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const urls: string[] = []
  for await (const line of createInterface({ input: child.stdout! })) {
    const found = url.exec(line)
    if (found) urls.push(found[1] ?? found[0])
    if (urls.length === count) {
      child.stdout!.resume()
      return { url: urls[0], urls, child }
    }
  }
  throw new Error(`${command.join(' ')} exited before it listened`)
}

type Request = { method?: 'POST' | 'PUT', body?: string }
type Figures = { rps: number, p50: number, p99: number }

async function load (url: string, headers: Record<string, string> = {}, request: Request = {}, warm = false, duration = DURATION): Promise<Figures> {
  const options = { url, connections: CONNECTIONS, headers, ...request }
  if (warm) await autocannon({ ...options, duration: 1 })
  const result = await autocannon({ ...options, duration })
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
// Of an even count, the mean of the two middle values: the upper one alone read the journal's eighteen
// pairs high by half the gap between them (0.96 for 0.945 in one run).
function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

// Process start to the first 200 answered on `path`.
async function timeToFirst200 (args: string[], path: string): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const began = performance.now()
  const child = spawn(process.execPath, [...args, '--port', String(port)], { cwd: root, stdio: 'ignore', env: { ...process.env, PORT: String(port) } })
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

// Prism is installed on first use, from its own lockfile, apart from the project's dependencies.
function prismCli (): string {
  const cli = join(PRISM, 'node_modules/@stoplight/prism-cli/dist/index.js')
  if (!existsSync(cli)) execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: PRISM, stdio: 'inherit' })
  return cli
}

try {
  const auth = { 'x-portkey-api-key': admin }
  const big = await start(['bench/server.mjs'], { KEYS: '100000' })
  const small = await start(['bench/server.mjs'], { KEYS: '1000' })
  // The journal's cost, between two apps of one process (see bench/server.mjs): one with it, one
  // without. Two such processes, building the two in opposite orders: of two apps alike in one
  // process, the one built first answered faster in five runs of five (1.01-1.06).
  const paired = [
    await start(['bench/server.mjs'], { KEYS: '100000', JOURNALS: '1000,0' }, undefined, 2),
    await start(['bench/server.mjs'], { KEYS: '100000', JOURNALS: '0,1000' }, undefined, 2),
  ]
  const keyUrl = `/v1/api-keys/${SEED.apiKeys.researchPipeline}`
  const one = await (await fetch(`${big.url}${keyUrl}`, { headers: auth })).text()
  const page = await (await fetch(`${big.url}/v1/api-keys`, { headers: auth })).text()
  // The ceilings: CEILINGS bare processes, each answering the four bodies on paths of its own, each
  // ceiling's figure the median of its processes': processes started alike differ by up to 20% here,
  // and one unlucky ceiling moved every ratio against it. The workspace routes are served by the key
  // read's process (the seed's workspaces answer the same whatever the keys): a workspace route is
  // compared with the key read within one process, as its ceiling with the key's (below).
  const workspaceUrl = `/v1/admin/workspaces/${SEED.workspaces.research.id}`
  const bodyOf = async (url: string) => await (await fetch(url, { headers: auth })).text()
  const bodies = {
    key: one,
    page,
    workspace: await bodyOf(`${big.url}${workspaceUrl}`),
    workspaces: await bodyOf(`${big.url}/v1/admin/workspaces`),
  }
  const bare: string[] = []
  for (let i = 0; i < CEILINGS; i++) bare.push((await start(['bench/ceiling.mjs'], { BODIES: JSON.stringify(bodies) })).url)
  const ceilingRoutes = Object.fromEntries(([
    ['ceiling', 'key', `ceiling: bare route, constant ${one.length}-byte key`],
    ['pageCeiling', 'page', `ceiling: bare route, constant ${page.length}-byte page`],
    ['workspaceCeiling', 'workspace', 'ceiling: bare route, that workspace\'s body'],
    ['workspacesCeiling', 'workspaces', 'ceiling: bare route, that list\'s body'],
  ] as const).flatMap(([name, path, label]) => bare.map((url, i): [string, [string, string, Record<string, string>, Request]] =>
    [i === 0 ? name : `${name}#${i + 1}`, [`${label} (${i + 1})`, `${url}/${path}`, {}, {}]])))
  const prism = await start([prismCli(), 'mock', FRAGMENT, '--port', String(20000 + Math.floor(Math.random() * 20000)), '--host', '127.0.0.1'], {}, /Prism is listening on (http:\/\/\S+)/)

  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-bench-'))
  const onFile = await start(['bench/server.mjs'], { KEYS: '100000', DB: join(dir, 'bench.db') })
  // Writes go to stores of their own, so that they do not change what the lists are compared on.
  const writes = await start(['bench/server.mjs'], { KEYS: '1000' })
  const writesOnFile = await start(['bench/server.mjs'], { KEYS: '1000', DB: join(dir, 'writes.db') })
  const json = { ...auth, 'content-type': 'application/json' }
  const create = { method: 'POST' as const, body: JSON.stringify({ name: 'bench', scopes: ['completions.write'], workspace_id: SEED.workspaces.shared.slug }) }
  const update = { method: 'PUT' as const, body: JSON.stringify({ name: 'renamed', rate_limits: [{ type: 'requests', unit: 'rpm', value: 10 }] }) }
  const routes = {
    ...ceilingRoutes,
    read: ['GET /api-keys/{id}                 (100,000 keys)', `${big.url}${keyUrl}`, auth, {}],
    list: ['GET /api-keys                      (100,000 keys)', `${big.url}/v1/api-keys`, auth, {}],
    listWorkspace: ['GET /api-keys?workspace_id=<slug>  (100,000 keys)', `${big.url}/v1/api-keys?workspace_id=${SEED.workspaces.shared.slug}`, auth, {}],
    listSmall: ['GET /api-keys                        (1,000 keys)', `${small.url}/v1/api-keys`, auth, {}],
    listWorkspaceSmall: ['GET /api-keys?workspace_id=<slug>    (1,000 keys)', `${small.url}/v1/api-keys?workspace_id=${SEED.workspaces.shared.slug}`, auth, {}],
    create: ['POST /api-keys/workspace/service     (in memory)', `${writes.url}/v1/api-keys/workspace/service`, json, create],
    createOnFile: ['POST /api-keys/workspace/service   (--db FILE)', `${writesOnFile.url}/v1/api-keys/workspace/service`, json, create],
    update: ['PUT /api-keys/{id}                   (in memory)', `${writes.url}/v1/api-keys/${SEED.apiKeys.sharedCi}`, json, update],
    updateOnFile: ['PUT /api-keys/{id}                 (--db FILE)', `${writesOnFile.url}/v1/api-keys/${SEED.apiKeys.sharedCi}`, json, update],
    workspaces: ['GET /admin/workspaces              (100,000 keys)', `${big.url}/v1/admin/workspaces`, auth, {}],
    workspace: ['GET /admin/workspaces/{id}         (100,000 keys)', `${big.url}${workspaceUrl}`, auth, {}],
    prismRead: ['Prism 5.14.2: GET /api-keys/{id}  (the fragment)', `${prism.url}/api-keys/${SEED.apiKeys.researchPipeline}`, auth, {}],
    prismList: ['Prism 5.14.2: GET /api-keys       (the fragment)', `${prism.url}/api-keys`, auth, {}],
  } satisfies Record<string, [string, string, Record<string, string>, Request]>
  type Route = keyof typeof routes

  // Memory of the 100,000-key stores once each has served lists, before the writes grow them.
  await load(`${big.url}/v1/api-keys`, auth, {}, true)
  await load(`${onFile.url}/v1/api-keys`, auth, {}, true)
  const rss = rssMb(big.child.pid!)
  const rssFile = rssMb(onFile.child.pid!)
  // And at rest.
  await new Promise(resolve => setTimeout(resolve, REST_MS))
  const rssAtRest = rssMb(big.child.pid!)
  const rssFileAtRest = rssMb(onFile.child.pid!)

  // Each round starts a step further along the list, so that no route holds the same place, after the
  // same neighbour, in every round.
  const samples = new Map<Route, Figures[]>()
  const order = Object.entries(routes) as [Route, typeof routes[Route]][]
  for (let round = 0; round < ROUNDS; round++) {
    const step = Math.floor(round * order.length / ROUNDS)
    for (const [name, [, url, headers, request]] of [...order.slice(step), ...order.slice(0, step)]) {
      samples.set(name, [...samples.get(name) ?? [], await load(url, headers, request, !samples.has(name))])
    }
  }
  // The journal's cost: each process's two apps loaded in turn, a second each, in PAIRS pairs (which
  // goes first alternates), and the median of all the pairs' ratios kept. Rounds of three seconds
  // apart put a swing of the machine between the two figures; this run's rounds once read 1.29, a
  // run before 0.89.
  const journalRatios: number[][] = paired.map(() => [])
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const [n, { urls }] of paired.entries()) {
      const [on, off] = (n === 0 ? urls : [urls[1], urls[0]]).map(url => `${url}${keyUrl}`)
      const first = await load(pair % 2 === 0 ? on : off, auth, {}, pair === 0, 1)
      const second = await load(pair % 2 === 0 ? off : on, auth, {}, pair === 0, 1)
      journalRatios[n].push(pair % 2 === 0 ? first.rps / second.rps : second.rps / first.rps)
    }
  }
  const journalRatio = median(journalRatios.flat())
  // Issue 7's comparison, paired the same way: the key read, the workspace read and the workspace list
  // loaded in turn on the key read's server, a second each, then their three bodies on a ceiling
  // process (each in turn), in TURNS turns, which goes first rotating. A workspace route stands as
  // well against its ceiling as the key read against its own when its rate over the key read's, on
  // our server, is the same as its body's over the key's body, on a bare one: each quotient is taken
  // within one process, so the 20% between processes cancels.
  const inTurn = async (urls: string[], headers: Record<string, string>, turn: number) => {
    const rates: number[] = []
    for (let i = 0; i < urls.length; i++) {
      const at = (i + turn) % urls.length
      rates[at] = (await load(urls[at], headers, {}, false, 1)).rps
    }
    return rates
  }
  const oursInTurn: number[][] = []
  const bareInTurn: number[][] = []
  for (let turn = 0; turn < TURNS; turn++) {
    oursInTurn.push(await inTurn([keyUrl, workspaceUrl, '/v1/admin/workspaces'].map(path => `${big.url}${path}`), auth, turn))
    bareInTurn.push(await inTurn(['key', 'workspace', 'workspaces'].map(path => `${bare[turn % CEILINGS]}/${path}`), {}, turn))
  }
  const overKeyRead = (rates: number[][], i: number) => median(rates.map(r => r[i] / r[0]))
  const standing = (i: number) => overKeyRead(oursInTurn, i) / overKeyRead(bareInTurn, i)
  const figures = (route: Route): Figures => samples.get(route)!.sort((a, b) => a.rps - b.rps)[Math.floor(ROUNDS / 2)]
  const rps = (route: Route) => figures(route).rps
  const ceiling = (name: string) => median(Object.keys(routes).filter(route => route === name || route.startsWith(`${name}#`)).map(route => rps(route as Route)))

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
    return median(runs)
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
  rmSync(dir, { recursive: true, force: true })
  for (const child of children.splice(0)) child.kill('SIGTERM')

  // Starts, on a quiet machine now: the real entry point beside a bare Fastify process, interleaved;
  // and apps built in one process, each in a fresh one.
  const starts: number[] = []
  const bareStarts: number[] = []
  const apps: { imported: number, first: number, second: number }[] = []
  for (let i = 0; i < 5; i++) {
    starts.push(await timeToFirst200(['dist/portkey-mock.js'], '/__mock/health'))
    bareStarts.push(await timeToFirst200(['bench/ceiling.mjs'], '/'))
    apps.push(JSON.parse(execFileSync(process.execPath, ['bench/apps.mjs'], { cwd: root, encoding: 'utf8' })))
  }
  const startup = median(starts)
  const bareStartup = median(bareStarts)
  const firstApp = median(apps.map(a => a.first))
  const secondApp = median(apps.map(a => a.second))

  console.log(`\nportkey-mock bench: ${CONNECTIONS} connections, median of ${ROUNDS} interleaved rounds of ${DURATION} s a route, ` +
    `Node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}\n`)
  console.log(`${'route'.padEnd(52)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'x ceiling'.padStart(10)}`)
  for (const [name, [label]] of Object.entries(routes) as [Route, typeof routes[Route]][]) {
    const r = figures(name)
    console.log(`${label.padEnd(52)} ${r.rps.toFixed(0).padStart(9)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${(r.rps / ceiling('ceiling')).toFixed(2).padStart(10)}`)
  }
  const row = (name: string, value: number, goal: string, met: boolean) =>
    console.log(`${name.padEnd(56)} ${value.toFixed(2).padStart(9)} ${goal.padStart(9)}  ${met ? 'met' : 'MISSED'}`)
  console.log(`\n${'target'.padEnd(56)} ${'measured'.padStart(9)} ${'goal'.padStart(9)}`)
  row('buildApp() + ready(), first app of a process, ms', firstApp, '<= 100', firstApp <= 100)
  row('buildApp() + ready(), each app after it, ms', secondApp, '<= 20', secondApp <= 20)
  row('process start to first 200 / bare Fastify process', startup / bareStartup, '<= 1.30', startup / bareStartup <= 1.3)
  row('GET /api-keys/{id} / ceiling (log at info)', rps('read') / ceiling('ceiling'), '>= 0.60', rps('read') / ceiling('ceiling') >= 0.6)
  row('GET /api-keys, page of 50 / constant-page ceiling', rps('list') / ceiling('pageCeiling'), '>= 0.30', rps('list') / ceiling('pageCeiling') >= 0.3)
  row('POST /api-keys/{type}/{sub-type} / ceiling', rps('create') / ceiling('ceiling'), '>= 0.30', rps('create') / ceiling('ceiling') >= 0.3)
  row('resident memory at 100,000 keys, MB (in memory)', rss, '<= 120', rss <= 120)
  row(`  the same, at rest ${REST_MS / 1000} s after the load`, rssAtRest, '<= 120', rssAtRest <= 120)
  // Issue 7: the workspace routes stand as well against their ceilings as the key read against its own.
  row('GET /admin/workspaces/{id} / ceiling, ÷ the key read\'s', standing(1), '>= 0.95', standing(1) >= 0.95)
  row('GET /admin/workspaces / ceiling, ÷ the key read\'s', standing(2), '>= 0.95', standing(2) >= 0.95)
  row(`GET /api-keys/{id}, journal on / off (2 processes, ${PAIRS} pairs each)`, journalRatio, '>= 0.95', journalRatio >= 0.95)
  row('list at 100,000 / list at 1,000', rps('list') / rps('listSmall'), '>= 0.90', rps('list') / rps('listSmall') >= 0.9)
  row('list by workspace at 100,000 / at 1,000', rps('listWorkspace') / rps('listWorkspaceSmall'), '>= 0.90', rps('listWorkspace') / rps('listWorkspaceSmall') >= 0.9)
  row('restore a snapshot at 100,000 keys, ms (in memory)', controls[6][1], '< 50', controls[6][1] < 50)

  const context = (name: string, value: number) => console.log(`${name.padEnd(56)} ${value.toFixed(2).padStart(9)}`)
  console.log(`\n${'for context'.padEnd(56)} ${'measured'.padStart(9)}`)
  context('GET /api-keys/{id} / Prism\'s', rps('read') / rps('prismRead'))
  context('GET /api-keys / Prism\'s', rps('list') / rps('prismList'))
  context('process start to first 200, ms (median of 5)', startup)
  context('bare Fastify process start to first 200, ms', bareStartup)
  context('importing the app, ms (fresh process)', median(apps.map(a => a.imported)))
  context('resident memory at 100,000 keys, MB (--db FILE)', rssFile)
  context(`  the same, at rest ${REST_MS / 1000} s after the load`, rssFileAtRest)
  const keyRead = rps('read') / ceiling('ceiling')
  context('the workspace read\'s, from the rounds', rps('workspace') / ceiling('workspaceCeiling') / keyRead)
  context('the workspace list\'s, from the rounds', rps('workspaces') / ceiling('workspacesCeiling') / keyRead)
  // Where the order the two apps were built in moves each process's ratio one way and the other's the
  // other way, their geometric mean cancels it; the pooled median, in the gap between the two, swings.
  context('journal on / off, geometric mean of the two processes', journalRatios.map(median).reduce((product, value) => product * value, 1) ** (1 / journalRatios.length))
  for (const [n, ratios] of journalRatios.entries()) {
    console.log(`${`journal on / off, each pair, on built ${n === 0 ? 'first' : 'second'}`.padEnd(56)} ${ratios.map(r => r.toFixed(3)).join(' ')}`)
  }
  for (const [i, route] of [[1, 'workspace read'], [2, 'workspace list']] as const) {
    console.log(`${`${route} / key read, each turn: ours; bare`.padEnd(56)} ${oursInTurn.map(r => (r[i] / r[0]).toFixed(2)).join(' ')}; ${bareInTurn.map(r => (r[i] / r[0]).toFixed(2)).join(' ')}`)
  }
  console.log(`\n${'store controls'.padEnd(60)} ${'measured'.padStart(9)}`)
  for (const [name, value] of controls) console.log(`${name.padEnd(60)} ${value.toFixed(2).padStart(9)}`)
} finally {
  for (const child of children) child.kill('SIGTERM')
}
