import { gzipSync } from 'node:zlib'
import t from 'tap'
import { addKey, build, call, DEV, SEED, storeContents, TestClock } from './helper.js'

const create = (path: string, payload: unknown) => ({ method: 'POST' as const, url: `/v1/api-keys/${path}`, payload: payload as object })
const WS_SCOPES = ['workspace_service_api_keys.list', 'workspace_service_api_keys.read']

t.test('an admin creates each type; the secret is shown once and authenticates at once, with exactly its scopes', async t => {
  const app = await build(t)
  const bodies: [string, Record<string, unknown>][] = [
    ['organisation/service', { name: 'org key', scopes: ['workspace_service_api_keys.list'] }],
    ['workspace/service', { name: 'ws key', scopes: WS_SCOPES, workspace_id: SEED.workspaces.research.slug }],
    ['workspace/user', { name: 'user key', scopes: ['completions.write'], workspace_id: SEED.workspaces.research.id, user_id: SEED.users.carol.id }],
  ]
  for (const [path, body] of bodies) {
    const { status, body: created } = await call(app, DEV.admin, create(path, body))
    t.equal(status, 200, path)
    t.same(Object.keys(created), ['id', 'key', 'object'])
    t.equal(created.object, 'api-key')
    t.ok(created.key.length >= 24, 'a full secret')

    const read = await call(app, DEV.admin, { url: `/api-keys/${created.id}` })
    t.equal(read.body.key, `${created.key.slice(0, 2)}*****${created.key.slice(-3)}`, 'reads show it masked')
    t.match(read.body, { name: body.name, status: 'active', creation_mode: 'api', scopes: body.scopes })
    t.notMatch(JSON.stringify(read.body), created.key)
  }
  const [orgKey, wsKey, userKey] = (await call(app, DEV.admin, { url: '/api-keys?page_size=3' })).body.data.reverse()
  t.equal(orgKey.workspace_id, null)
  t.equal(wsKey.workspace_id, SEED.workspaces.research.id, 'a slug is stored as the UUID')
  t.equal(userKey.user_id, SEED.users.carol.id)
})

t.test('a created key is a caller at once: its scopes and workspace decide what it may do', async t => {
  const app = await build(t)
  const created = (await call(app, DEV.admin, create('workspace/service', { name: 'lister', scopes: WS_SCOPES, workspace_id: SEED.workspaces.research.id }))).body
  const list = await call(app, created.key, { url: '/api-keys' })
  t.equal(list.status, 200)
  t.ok(list.body.data.every((k: { type: string, workspace_id: string }) => k.type === 'workspace-service' && k.workspace_id === SEED.workspaces.research.id))
  t.equal(list.body.total, 3, 'the two seeded research service keys and itself')
  t.equal((await call(app, created.key, { url: `/api-keys/${SEED.apiKeys.carol}` })).status, 403, 'no read scope for user keys')
  t.equal((await call(app, created.key, { url: `/api-keys/${SEED.apiKeys.sharedCi}` })).status, 404, 'another workspace')
  t.equal((await call(app, created.key, create('workspace/service', { name: 'x', scopes: [] }))).status, 403, 'no create scope')
})

t.test('every field of the request is stored and read back in the API shape', async t => {
  const clock = new TestClock(Date.parse('2026-03-10T12:00:00.000Z'))
  const app = await build(t, { clock })
  const { body } = await call(app, DEV.admin, create('workspace/service', {
    name: 'full', description: 'every field', scopes: ['completions.write'], workspace_id: SEED.workspaces.shared.slug,
    rate_limits: [{ type: 'tokens', unit: 'rpd', value: 5000 }],
    usage_limits: { credit_limit: 10, type: 'cost', alert_threshold: 8, periodic_reset: 'monthly' },
    defaults: { metadata: { team: 'x' }, config_id: SEED.configs.shared.slug, allow_config_override: false },
    alert_emails: ['ops@acme.test'], expires_at: '2026-12-31T23:59:59Z',
    rotation_policy: { rotation_period: 'weekly', key_transition_period_ms: 3600000 },
    type: 'workspace', 'sub-type': 'service', id: 'ignored', unknown_field: true,
  }))
  const read = (await call(app, DEV.admin, { url: `/api-keys/${body.id}` })).body
  t.match(read, {
    description: 'every field',
    rate_limits: [{ type: 'tokens', unit: 'rpd', value: 5000 }],
    usage_limits: { credit_limit: 10, type: 'cost', alert_threshold: 8, periodic_reset: 'monthly', periodic_reset_days: null, next_usage_reset_at: '2026-04-01T00:00:00.000Z' },
    defaults: { metadata: { team: 'x' }, config_id: SEED.configs.shared.slug },
    rotation_policy: { rotation_period: 'weekly', key_transition_period_ms: 3600000, next_rotation_at: '2026-03-17T12:00:00.000Z' },
    allow_config_override: 0,
    alert_emails: ['ops@acme.test'],
    expires_at: '2026-12-31T23:59:59.000Z',
    expiry_enforced: 1,
    created_at: '2026-03-10T12:00:00.000Z',
    last_updated_at: '2026-03-10T12:00:00.000Z',
  })
  t.equal(read.id, body.id, 'the id in the body was ignored')
})

t.test('a key made of a name and scopes alone reads every optional field as unset', async t => {
  const app = await build(t)
  const { body } = await call(app, DEV.admin, create('organisation/service', { name: 'bare', scopes: [] }))
  const read = (await call(app, DEV.admin, { url: `/api-keys/${body.id}` })).body
  const fields = ['description', 'rate_limits', 'usage_limits', 'alert_emails', 'expires_at', 'expiry_enforced', 'defaults', 'allow_config_override', 'api_key_defaults_id', 'rotation_policy'] as const
  t.same(Object.fromEntries(fields.map(field => [field, read[field]])), {
    description: null, rate_limits: [], usage_limits: null, alert_emails: null, expires_at: null, expiry_enforced: 0,
    defaults: { metadata: null, config_id: null }, allow_config_override: null, api_key_defaults_id: null, rotation_policy: null,
  })
})

t.test('weekly and every-N-days resets compute their next reset', async t => {
  const clock = new TestClock(Date.parse('2026-03-11T15:00:00.000Z')) // a Wednesday
  const app = await build(t, { clock })
  const make = async (usage_limits: object) => {
    const { body } = await call(app, DEV.admin, create('organisation/service', { name: 'u', scopes: [], usage_limits }))
    return (await call(app, DEV.admin, { url: `/api-keys/${body.id}` })).body.usage_limits
  }
  t.equal((await make({ periodic_reset: 'weekly' })).next_usage_reset_at, '2026-03-16T00:00:00.000Z')
  t.equal((await make({ periodic_reset_days: 10 })).next_usage_reset_at, '2026-03-21T15:00:00.000Z')
  t.match(await make({ credit_limit: 5 }), { type: null, next_usage_reset_at: null }, 'no type invented')
  clock.ms = Date.parse('2026-03-16T15:00:00.000Z')
  t.equal((await make({ periodic_reset: 'weekly' })).next_usage_reset_at, '2026-03-23T00:00:00.000Z', 'on a Monday, the next one')
  clock.ms = Date.parse('2026-03-22T23:59:00.000Z')
  t.equal((await make({ periodic_reset: 'weekly' })).next_usage_reset_at, '2026-03-23T00:00:00.000Z', 'on a Sunday, the next day')
})

t.test('bad creates are a 400 naming what is wrong', async t => {
  const clock = new TestClock(Date.parse('2026-03-10T12:00:00.000Z'))
  const app = await build(t, { clock })
  const cases: [string, unknown, RegExp][] = [
    ['organisation/user', { name: 'x', scopes: [] }, /sub_type/],
    ['team/service', { name: 'x', scopes: [] }, /path parameter type/],
    ['workspace/robot', { name: 'x', scopes: [] }, /path parameter sub_type/],
    ['organisation/service', { scopes: [] }, /Missing body field name/],
    ['organisation/service', { name: 'x' }, /Missing body field scopes/],
    ['organisation/service', { name: '', scopes: [] }, /body field name/],
    ['organisation/service', { name: 7, scopes: [] }, /body field name: must be string/],
    ['organisation/service', { name: 'x', scopes: 'all' }, /body field scopes/],
    ['workspace/service', { name: 'x', scopes: [] }, /Missing body field workspace_id/],
    ['workspace/user', { name: 'x', scopes: [], workspace_id: SEED.workspaces.shared.id }, /Missing body field user_id/],
    ['workspace/service', { name: 'x', scopes: [], workspace_id: SEED.workspaces.shared.id, user_id: SEED.users.bob.id }, /body field user_id/],
    ['organisation/service', { name: 'x', scopes: [], workspace_id: SEED.workspaces.shared.id }, /body field workspace_id/],
    ['organisation/service', { name: 'x', scopes: [], rate_limits: [{ type: 'requests', unit: 'rpm', value: 1.5 }] }, /body field rate_limits\[0\]\.value/],
    ['organisation/service', { name: 'x', scopes: [], rate_limits: [{ type: 'requests', unit: 'rpy', value: 1 }] }, /rate_limits\[0\]\.unit.*rpd, rph, rpm, rps, rpw/],
    ['organisation/service', { name: 'x', scopes: [], usage_limits: { periodic_reset: 'monthly', periodic_reset_days: 3 } }, /mutually exclusive/],
    ['organisation/service', { name: 'x', scopes: [], usage_limits: { periodic_reset_days: 400 } }, /usage_limits.periodic_reset_days/],
    ['organisation/service', { name: 'x', scopes: [], usage_limits: { credit_limit: 0 } }, /usage_limits.credit_limit/],
    ['organisation/service', { name: 'x', scopes: [], alert_emails: ['not-an-email'] }, /alert_emails\[0\]/],
    ['organisation/service', { name: 'x', scopes: [], expires_at: '2026-03-10T11:59:59Z' }, /expires_at: must be in the future/],
    // Now itself is not the future: such a key would be expired as it was made.
    ['organisation/service', { name: 'x', scopes: [], expires_at: '2026-03-10T12:00:00.000Z' }, /expires_at: must be in the future/],
    ['organisation/service', { name: 'x', scopes: [], expires_at: 'tomorrow' }, /body field expires_at/],
    ['organisation/service', { name: 'x', scopes: [], defaults: { metadata: { n: 1 } } }, /defaults.metadata.n/],
    ['organisation/service', { name: 'x', scopes: [], defaults: { metadata: { 'team/owner~1': 1 } } }, /^Invalid body field defaults\.metadata\.team\/owner~1: must be string$/],
    ['organisation/service', { name: 'x', scopes: [], rotation_policy: { key_transition_period_ms: 1800000 } }, /needs rotation_period or next_rotation_at/],
    ['organisation/service', { name: 'x', scopes: [], rotation_policy: { rotation_period: 'weekly', key_transition_period_ms: 1000 } }, /key_transition_period_ms/],
    ['organisation/service', { name: 'x', scopes: [], rotation_policy: { rotation_period: 'weekly', key_transition_period_ms: 604800000 } }, /shorter than the weekly/],
    ['organisation/service', { name: 'x', scopes: [], rotation_policy: { rotation_period: 'monthly', key_transition_period_ms: 2419200000 } }, /shorter than the monthly/],
    ['organisation/service', [1, 2], /body/],
    ['organisation/service', { name: 'x', scopes: [], defaults: { config_id: 'pc-nowhere' } }, /^Invalid body field defaults\.config_id: pc-nowhere is not a config of the key's organisation$/],
  ]
  for (const [path, body, message] of cases) {
    const { status, body: answer } = await call(app, DEV.admin, create(path, body))
    t.equal(status, 400, `${path} ${JSON.stringify(body)}`)
    t.equal(answer.data?.errorCode, 'AB01')
    t.match(answer.data?.message, message)
  }
  const total = (await call(app, DEV.admin, { url: '/api-keys' })).body.total
  t.equal(total, Object.keys(SEED.apiKeys).length, 'nothing was created')
})

t.test('unknown workspace or user, or another organisation, is refused', async t => {
  const app = await build(t)
  const ws = await call(app, DEV.admin, create('workspace/service', { name: 'x', scopes: [], workspace_id: 'ws-nowhere-000000' }))
  t.equal(ws.status, 404)
  const user = await call(app, DEV.admin, create('workspace/user', { name: 'x', scopes: [], workspace_id: SEED.workspaces.shared.id, user_id: crypto.randomUUID() }))
  t.equal(user.status, 404)
  const org = await call(app, DEV.admin, create('organisation/service', { name: 'x', scopes: [], organisation_id: crypto.randomUUID() }))
  t.equal(org.status, 403)
  const same = await call(app, DEV.admin, create('organisation/service', { name: 'x', scopes: [], organisation_id: SEED.organisation.id }))
  t.equal(same.status, 200, 'naming its own organisation is fine')
})

t.test('who may create what', async t => {
  const app = await build(t)
  // The seeded workspace key holds workspace_service and workspace_user scopes for Shared.
  const own = await call(app, DEV.workspace, create('workspace/service', { name: 'x', scopes: [] }))
  t.equal(own.status, 200, 'a workspace key creates in its own workspace by default')
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${own.body.id}` })).body.workspace_id, SEED.workspaces.shared.id)
  const ownNamed = await call(app, DEV.workspace, create('workspace/user', { name: 'x', scopes: [], workspace_id: SEED.workspaces.shared.slug, user_id: SEED.users.alice.id }))
  t.equal(ownNamed.status, 200)
  t.equal((await call(app, DEV.workspace, create('workspace/service', { name: 'x', scopes: [], workspace_id: SEED.workspaces.research.id }))).status, 403, 'not another workspace')
  t.equal((await call(app, DEV.workspace, create('organisation/service', { name: 'x', scopes: [] }))).status, 403, 'not an organisation key')
  t.equal((await call(app, DEV.user, create('workspace/service', { name: 'x', scopes: [] }))).status, 403, 'a user key creates nothing')
  const { secret } = addKey(app, { type: 'organisation-service', scopes: ['workspace_service_api_keys.create'] })
  t.equal((await call(app, secret, create('workspace/service', { name: 'x', scopes: [], workspace_id: SEED.workspaces.shared.id }))).status, 200)
  t.equal((await call(app, secret, create('organisation/service', { name: 'x', scopes: [] }))).status, 403, 'the scope is per target type')
})

t.test('bodies that are not JSON objects', async t => {
  const app = await build(t)
  const post = { method: 'POST' as const, url: '/api-keys/organisation/service' }
  const xml = await call(app, DEV.admin, { ...post, headers: { 'content-type': 'text/xml' }, payload: '<a/>' })
  t.equal(xml.status, 415)
  t.same(xml.body.data, { errorCode: 'AB01', message: 'Unsupported Media Type: a body must be sent as application/json, not "text/xml"' })
  const long = await call(app, DEV.admin, { ...post, headers: { 'content-type': `text/${'x'.repeat(500)}` }, payload: '<a/>' })
  t.equal(long.body.data.message, `Unsupported Media Type: a body must be sent as application/json, not "text/${'x'.repeat(95)}"`, 'a long type, cut at 100 characters')
  // What fetch sends for a string body when no type is given.
  const plain = await call(app, DEV.admin, { ...post, headers: { 'content-type': 'text/plain;charset=UTF-8' }, payload: JSON.stringify({ name: 'x', scopes: [] }) })
  t.equal(plain.status, 415, 'JSON sent as text/plain is not taken')
  t.match(plain.body.data.message, /application\/json, not "text\/plain;charset=UTF-8"$/)
  const untyped = await call(app, DEV.admin, { ...post, headers: { 'transfer-encoding': 'chunked' }, payload: '{}' })
  t.equal(untyped.status, 415)
  t.match(untyped.body.data.message, /application\/json, it has no Content-Type$/)
  t.equal((await call(app, DEV.user, { ...post, headers: { 'content-type': 'text/plain' }, payload: '{}' })).status, 403, 'a caller who may not create learns nothing of its body')
  const none = await call(app, DEV.admin, post)
  t.equal(none.status, 400)
  t.equal(none.body.data.errorCode, 'AB01')
  const empty = await call(app, DEV.admin, { ...post, headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(empty.status, 400)
  // An empty body is no body whatever its type: `curl -d ''` sends one as a form.
  for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
    const typed = await call(app, DEV.admin, { ...post, headers: { 'content-type': type }, payload: '' })
    t.same([typed.status, typed.body.data.message], [400, 'Missing body: a JSON object'], `empty, as ${type}`)
  }
  const rotated = await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${SEED.apiKeys.sharedCi}/rotate`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(rotated.status, 200, 'and a route whose body is optional takes it')
})

t.test('a JSON body sent compressed is a 415 naming its coding; one that parses is taken whatever Content-Encoding says', async t => {
  const app = await build(t)
  const before = storeContents(app)
  const body = JSON.stringify({ name: 'x', scopes: [] })
  const sent = (coding: string, payload: string | Buffer) => call(app, DEV.admin, { ...create('organisation/service', {}), headers: { 'content-type': 'application/json', 'content-encoding': coding }, payload })
  const gzipped = await sent('gzip', gzipSync(body))
  t.same([gzipped.status, gzipped.body.data], [415, { errorCode: 'AB01', message: 'Unsupported Media Type: a body must be sent uncompressed, not with Content-Encoding "gzip"' }])
  // Compressed bytes that happen to open many brackets are named for their coding too.
  const bracketed = await sent('br', '['.repeat(100))
  t.same([bracketed.status, bracketed.body.data.message], [415, 'Unsupported Media Type: a body must be sent uncompressed, not with Content-Encoding "br"'])
  t.equal((await sent('x'.repeat(300), gzipSync(body))).body.data.message,
    `Unsupported Media Type: a body must be sent uncompressed, not with Content-Encoding "${'x'.repeat(100)}"`, 'a long coding, cut at 100 characters')
  t.equal(storeContents(app), before, 'nothing is created')
  t.equal((await sent('utf-8', body)).status, 200, 'a body that parses is taken')
  const identity = await sent(' Identity ', '{"name":')
  t.same([identity.status, identity.body.data.message.startsWith('Invalid body: not JSON: ')], [400, true], 'identity is no coding')
})
