// A property over every operation of openapi/openapi.yaml, with requests generated from the contract
// itself: whatever is sent, the answer is never a 5xx, always JSON, an error always in Portkey's
// envelope, a 200 always valid against the contract (build() turns an off-contract answer into a 500),
// and a refused request leaves the store exactly as it was.
//
// Seeded, so a run is the same every time; a failure prints the seed and path that replay it.
// PORTKEY_MOCK_FUZZ_RUNS (requests per operation, 300 by default) and PORTKEY_MOCK_FUZZ_SEED widen it.
import fc from 'fast-check'
import type { FastifyInstance, InjectOptions } from 'fastify'
import t from 'tap'
import { anything, valuesOf, type Context } from './arbitraries.js'
import { newWorkspace } from '../src/resources/workspaces/model.js'
import { addKey, build, contract, DEV, SEED, storeHolds, TestClock } from './helper.js'

const RUNS = Number(process.env.PORTKEY_MOCK_FUZZ_RUNS ?? 300)
const SEED_NUMBER = Number(process.env.PORTKEY_MOCK_FUZZ_SEED ?? 20261123)
// A wider run outlasts the suite's timeout for a file (3,000 requests an operation took 137 s here):
// the file asks tap for time in proportion to what it sends.
if (RUNS > 300) t.setTimeout(RUNS * 150)

type Json = Record<string, unknown>
interface Parameter { name: string, in: string, schema: Json }
interface Operation { operationId: string, security?: unknown[], parameters?: Parameter[], requestBody?: { content: { 'application/json': { schema: Json } } } }

const document = contract.document as { servers: { url: string }[], paths: Record<string, Record<string, unknown> & { servers?: { url: string }[] }> }
const METHODS = ['get', 'head', 'put', 'post', 'delete', 'patch']

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  METHODS.filter(method => method in item).map(method => ({
    path,
    method: method.toUpperCase() as InjectOptions['method'],
    prefixes: (item.servers ?? document.servers).map(server => server.url.replace(/\/$/, '')),
    operation: item[method] as Operation,
  })))

// Snapshots taken in every store, so that dropping and restoring one can succeed.
const SNAPSHOTS = ['before', 'after']
// A fault rule in every app, id 1, matching only a key no request is made as, so that removing one
// can succeed and none fires.
const FAULT = { path: '/**', api_key_id: '00000000-0000-4000-8000-000000000000', latency_ms: 1 }

// Empty workspaces added to every store, so that deleting one can succeed more than once a run.
const SPARE_WORKSPACES = ['7e0b4c2a-1f3d-4e5a-8b6c-000000000101', '7e0b4c2a-1f3d-4e5a-8b6c-000000000102', '7e0b4c2a-1f3d-4e5a-8b6c-000000000103']

// Seeded ids, but not the callers' own keys: an admin that deletes itself early makes the rest of
// a run a series of 401s.
const callersOwn = new Set<string>([SEED.apiKeys.admin, SEED.apiKeys.workspaceService, SEED.apiKeys.workspaceUser])
const workspaceNames = [...Object.values(SEED.workspaces).flatMap(workspace => [workspace.id, workspace.slug]), ...SPARE_WORKSPACES]
const userIds = Object.values(SEED.users).map(user => user.id)
const configSlugs = Object.values(SEED.configs).map(config => config.slug)
const known: Context = {
  byName: {
    workspaceId: workspaceNames, workspace_id: workspaceNames, userId: userIds, user_id: userIds, 'users[].id': userIds, 'users[]': userIds, inviteId: Object.values(SEED.invites), slug: configSlugs, 'defaults.config_id': configSlugs,
    name: SNAPSHOTS, path: ['/api-keys/*', '/v1/admin/**', '/configs'], organisationId: [SEED.organisation.id]
  },
  known: [
    ...Object.values(SEED.apiKeys).filter(id => !callersOwn.has(id)), ...Object.values(SEED.users).map(user => user.id),
    ...Object.values(SEED.workspaces).flatMap(workspace => [workspace.id, workspace.slug, workspace.name]), SEED.organisation.id,
    ...SPARE_WORKSPACES, ...Object.values(SEED.invites),
  ],
}
const carefully: Context = { ...known, strays: false }

// Adds the spare workspaces and the callers' keys to a store, and answers who sends a request: every
// kind of caller, with and without the scopes the operation needs.
function prepareCallers (app: FastifyInstance): fc.Arbitrary<string | undefined> {
  for (const [i, id] of SPARE_WORKSPACES.entries()) {
    app.store.workspaces.insert(newWorkspace({ id, organisation_id: SEED.organisation.id, slug: `ws-spare-${i}`, name: `Spare ${i}`, created_at: app.clock.now() }))
  }
  const lister = addKey(app, { type: 'workspace-service', scopes: ['workspace_service_api_keys.list', 'workspace_user_api_keys.read'] }).secret
  const creator = addKey(app, { type: 'workspace-service', scopes: ['workspace_service_api_keys.create', 'completions.write'] }).secret
  const expired = addKey(app, { type: 'organisation-service', scopes: ['organisation_service_api_keys.list'], expires_at: app.clock.now(), expiry_enforced: 1 }).secret
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(DEV.admin) },
    { weight: 1, arbitrary: fc.constantFrom(DEV.workspace, DEV.user, lister, creator, expired, 'not-a-known-secret', undefined) }
  )
}

function uriPart (value: unknown): string {
  try {
    return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value) ?? '')
  } catch {
    return '%ED%A0%80' // a lone surrogate has no UTF-8: send the bytes a careless client would
  }
}

function requests (entry: typeof operations[number], caller: fc.Arbitrary<string | undefined>): fc.Arbitrary<InjectOptions & { url: string }> {
  const parameters = entry.operation.parameters ?? []
  const inPath = parameters.filter(p => p.in === 'path')
  const inQuery = parameters.filter(p => p.in === 'query')
  const bodySchema = entry.operation.requestBody?.content['application/json'].schema
  const parts = (context: Context) => ({
    prefix: fc.constantFrom(...entry.prefixes),
    path: fc.tuple(...inPath.map(p => valuesOf(p.schema, context, p.name))),
    query: fc.record(Object.fromEntries(inQuery.map(p => [p.name, fc.option(valuesOf(p.schema, context, p.name), { nil: undefined })]))),
    caller,
  })
  const body = bodySchema
    ? fc.oneof(
      { weight: 8, arbitrary: valuesOf(bodySchema, known).map(value => JSON.stringify(value)) },
      { weight: 1, arbitrary: fc.constantFrom('', '{"oops', '[]', 'null', '{"__proto__":{"x":1}}') },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) })
    : fc.option(anything.map(value => JSON.stringify(value)), { freq: 4, nil: undefined })
  const anyhow = fc.record({
    ...parts(known),
    extraQuery: fc.option(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { freq: 5, nil: undefined }),
    body,
    // Mostly JSON, so that most requests reach validation; the rest are a 415 (or, without a body, nothing).
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
      { weight: 1, arbitrary: fc.constantFrom<string | undefined>('text/plain', undefined) }),
  })
  // One request in four as a careful client sends it: no query parameter or field the operation does
  // not list, a body only where it takes one, as JSON. The stand-in's own routes refuse whatever they
  // do not take, so without these some seeds sent three hundred requests to a control and none got
  // past its refusals (removing a fault rule, adding one).
  const careful = fc.record({
    ...parts(carefully),
    extraQuery: fc.constant(undefined),
    body: bodySchema ? valuesOf(bodySchema, carefully).map(value => JSON.stringify(value)) : fc.constant(undefined),
    contentType: fc.constant<string | undefined>('application/json'),
  })
  return fc.oneof({ weight: 3, arbitrary: anyhow }, { weight: 1, arbitrary: careful }).map(({ prefix, path, query, extraQuery, body, contentType, caller }) => {
    let url = entry.path
    inPath.forEach((p, i) => { url = url.replace(`{${p.name}}`, uriPart(path[i])) })
    const pairs = Object.entries(query).filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${uriPart(value)}`)
    if (extraQuery) pairs.push(`${uriPart(extraQuery[0])}=${uriPart(extraQuery[1])}`)
    const headers: Record<string, string> = {}
    if (caller !== undefined) headers['x-portkey-api-key'] = caller
    if (contentType !== undefined && body !== undefined) headers['content-type'] = contentType
    return { method: entry.method, url: `${prefix}${url}${pairs.length ? `?${pairs.join('&')}` : ''}`, headers, ...(body === undefined ? {} : { payload: body }) }
  })
}

for (const entry of operations) {
  t.test(`${entry.operation.operationId}: generated requests get contract answers and refusals change nothing`, async t => {
    const clock = new TestClock(Date.parse('2026-03-10T12:00:00.000Z'))
    const app = await build(t, { clock })
    for (const name of SNAPSHOTS) await app.inject({ method: 'POST', url: `/__mock/snapshots/${name}` })
    if ((await app.inject({ method: 'POST', url: '/__mock/faults', payload: FAULT })).statusCode !== 200) throw new Error('the fault rule was refused')
    const statuses = new Map<number, number>()
    // Time passes between requests (up to two days), so rotations' transitions end and keys expire.
    const property = fc.asyncProperty(requests(entry, prepareCallers(app)), fc.integer({ min: 0, max: 2 * 86_400_000 }), async (request, wait) => {
      clock.ms += wait
      // SQLite's image of the store: a copy of its pages, where reading every row cost the run 40% of its time.
      const before = app.store.image()
      const response = await app.inject(request)
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
      const where = `${request.method} ${request.url} -> ${response.statusCode} ${response.body.slice(0, 300)}`
      if (response.statusCode >= 500) throw new Error(`a 5xx: ${where}`)
      if (!/^application\/json/.test(String(response.headers['content-type']))) throw new Error(`not JSON: ${where}`)
      if (response.statusCode !== 200) {
        const { success, data } = response.json()
        if (success !== false || !/^AB0\d$/.test(data?.errorCode) || typeof data?.message !== 'string') throw new Error(`not the envelope: ${where}`)
        if (!storeHolds(app, before)) throw new Error(`a refused request changed the store: ${where}`)
      }
    })
    const outcome = await fc.check(property, { numRuns: RUNS, seed: SEED_NUMBER })
    const seen = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')
    t.notOk(outcome.failed, outcome.failed ? `${String(outcome.errorInstance)}\n${fc.defaultReportMessage(outcome)}` : `${outcome.numRuns} requests: ${seen}`)
    // A generator that never gets past validation, or never fails it, would prove nothing.
    t.ok(statuses.has(200), 'some requests succeed')
    // An operation refuses someone if it needs a key (no security of its own means the document's;
    // an empty alternative, `{}`, makes it optional) or takes parameters.
    const { security } = entry.operation
    const needsKey = security === undefined || (security.length > 0 && !security.some(option => Object.keys(option as object).length === 0))
    const takesInput = needsKey || (entry.operation.parameters ?? []).length > 0
    if (takesInput) t.ok([...statuses.keys()].some(status => status >= 400), 'some are refused')
  })
}

t.test('a number whose bounds hold no integer is drawn within them and at their edges', async t => {
  const drawn = fc.sample(valuesOf({ type: 'number', minimum: 0.2, maximum: 0.5 }, known), { numRuns: 300, seed: SEED_NUMBER })
  const numbers = drawn.filter((value): value is number => typeof value === 'number')
  t.ok(numbers.some(value => value > 0.2 && value < 0.5), 'within')
  t.ok([0.2, 0.5, -0.8, 1.5].every(edge => numbers.includes(edge)), 'the edges and one past each')
})
