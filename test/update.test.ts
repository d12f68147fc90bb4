import t from 'tap'
import { addKey, build, call, DEV, SEED, TestClock } from './helper.js'

const put = (id: string, payload: object) => ({ method: 'PUT' as const, url: `/v1/api-keys/${id}`, payload })
const read = async (app: Awaited<ReturnType<typeof build>>, id: string) => (await call(app, DEV.admin, { url: `/api-keys/${id}` })).body

t.test('only the fields present change, last_updated_at advances, and the answer is {}', async t => {
  const clock = new TestClock(Date.parse('2026-04-01T00:00:00.000Z'))
  const app = await build(t, { clock })
  const before = await read(app, SEED.apiKeys.researchPipeline)
  clock.ms += 60_000
  const { status, body, headers } = await call(app, DEV.admin, put(SEED.apiKeys.researchPipeline, { name: 'renamed', rate_limits: [{ type: 'requests', unit: 'rps', value: 3 }] }))
  t.equal(status, 200)
  t.same(body, {})
  t.match(headers['content-type'], /^application\/json/)
  const after = await read(app, SEED.apiKeys.researchPipeline)
  t.same(after, { ...before, name: 'renamed', rate_limits: [{ type: 'requests', unit: 'rps', value: 3 }], last_updated_at: '2026-04-01T00:01:00.000Z' })
})

t.test('an explicit null clears what can be cleared', async t => {
  const app = await build(t)
  await call(app, DEV.admin, put(SEED.apiKeys.researchPipeline, {
    rate_limits: null, usage_limits: null, alert_emails: null, expires_at: null, rotation_policy: null, defaults: { config_id: null }, description: null,
  }))
  t.match(await read(app, SEED.apiKeys.researchPipeline), {
    rate_limits: [], usage_limits: null, alert_emails: null, expires_at: null, expiry_enforced: 0, description: null,
    defaults: { metadata: { team: 'research', environment: 'staging' }, config_id: null },
  })
})

t.test('defaults, usage limits, scopes and expiry update as on create', async t => {
  const clock = new TestClock(Date.parse('2026-04-01T00:00:00.000Z'))
  const app = await build(t, { clock })
  const { status } = await call(app, DEV.admin, put(SEED.apiKeys.carol, {
    scopes: ['logs.view'], defaults: { metadata: { a: 'b' }, allow_config_override: true },
    usage_limits: { credit_limit: 9, periodic_reset: 'weekly' }, alert_emails: ['c@acme.test'], expires_at: '2027-01-01T00:00:00Z',
  }))
  t.equal(status, 200)
  t.match(await read(app, SEED.apiKeys.carol), {
    scopes: ['logs.view'], defaults: { metadata: { a: 'b' }, config_id: null }, allow_config_override: 1,
    usage_limits: { credit_limit: 9, type: null, periodic_reset: 'weekly', periodic_reset_days: null, next_usage_reset_at: '2026-04-06T00:00:00.000Z' },
    alert_emails: ['c@acme.test'], expires_at: '2027-01-01T00:00:00.000Z', expiry_enforced: 1,
  })
  const past = await call(app, DEV.admin, put(SEED.apiKeys.carol, { expires_at: '2026-03-01T00:00:00Z' }))
  t.equal(past.status, 400)
  t.match(past.body.data.message, /expires_at: must be in the future/)
})

t.test('a default config the key\'s workspace does not have is a 400 naming defaults.config_id, as on create, and changes nothing', async t => {
  const app = await build(t)
  const before = await read(app, SEED.apiKeys.sharedCi)
  for (const config of [SEED.configs.research.slug, SEED.configs.research.id, 'pc-nowhere']) {
    const { status, body } = await call(app, DEV.admin, put(SEED.apiKeys.sharedCi, { name: 'no', defaults: { config_id: config } }))
    t.equal(status, 400, config)
    t.equal(body.data.message, `Invalid body field defaults.config_id: ${config} is not a config of the key's workspace`)
  }
  t.same(await read(app, SEED.apiKeys.sharedCi), before)
  t.equal((await call(app, DEV.admin, put(SEED.apiKeys.sharedCi, { defaults: { config_id: SEED.configs.shared.slug } }))).status, 200, 'its own workspace\'s')
})

t.test('a key\'s api_key_defaults_id is made with its first defaults, and kept through later updates', async t => {
  const app = await build(t)
  const defaultsId = async (id: string) => (await read(app, id)).api_key_defaults_id
  t.equal(await defaultsId(SEED.apiKeys.researchPipeline), 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6')
  await call(app, DEV.admin, put(SEED.apiKeys.researchPipeline, { defaults: { metadata: { team: 'r2' } } }))
  t.equal(await defaultsId(SEED.apiKeys.researchPipeline), 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6', 'a seeded one')
  t.equal(await defaultsId(SEED.apiKeys.carol), null)
  await call(app, DEV.admin, put(SEED.apiKeys.carol, { defaults: { metadata: { a: 'b' } } }))
  const made = await defaultsId(SEED.apiKeys.carol)
  t.match(made, /^[0-9a-f-]{36}$/)
  await call(app, DEV.admin, put(SEED.apiKeys.carol, { defaults: { allow_config_override: true } }))
  t.equal(await defaultsId(SEED.apiKeys.carol), made, 'one made by an update')
})

t.test('reset_usage brings an exhausted key back to active', async t => {
  const clock = new TestClock(Date.parse('2026-04-01T00:00:00.000Z'))
  const app = await build(t, { clock })
  t.equal((await read(app, SEED.apiKeys.exhausted)).status, 'exhausted')
  await call(app, DEV.admin, put(SEED.apiKeys.exhausted, { reset_usage: true }))
  t.match(await read(app, SEED.apiKeys.exhausted), { status: 'active', last_reset_at: '2026-04-01T00:00:00.000Z' })
})

t.test('reset_usage: false resets nothing', async t => {
  const app = await build(t, { clock: new TestClock(Date.parse('2026-04-01T00:00:00.000Z')) })
  const before = await read(app, SEED.apiKeys.exhausted)
  t.equal((await call(app, DEV.admin, put(SEED.apiKeys.exhausted, { reset_usage: false }))).status, 200)
  const after = await read(app, SEED.apiKeys.exhausted)
  t.same([after.status, after.last_reset_at], ['exhausted', before.last_reset_at])
})

t.test('what a key is cannot change: a different value is a 400 naming the field; echoes are fine', async t => {
  const app = await build(t)
  const id = SEED.apiKeys.workspaceUser
  const echo = { id, type: 'workspace-user', organisation_id: SEED.organisation.id, workspace_id: SEED.workspaces.shared.slug, user_id: SEED.users.alice.id, name: 'echoed' }
  t.equal((await call(app, DEV.admin, put(id, echo))).status, 200)
  const changes: [string, unknown][] = [
    ['id', SEED.apiKeys.admin], ['type', 'workspace-service'], ['organisation_id', crypto.randomUUID()],
    ['workspace_id', SEED.workspaces.research.id], ['workspace_id', null], ['user_id', SEED.users.bob.id],
  ]
  for (const [field, value] of changes) {
    const { status, body } = await call(app, DEV.admin, put(id, { [field]: value }))
    t.equal(status, 400, `${field} = ${JSON.stringify(value)}`)
    t.match(body.data.message, `body field ${field}`)
  }
  t.equal((await read(app, id)).name, 'echoed')
})

t.test('updating needs the update scope for the target type and sight of the key', async t => {
  const app = await build(t)
  t.equal((await call(app, DEV.workspace, put(SEED.apiKeys.workspaceUser, { name: 'ok' }))).status, 200)
  t.equal((await call(app, DEV.workspace, put(SEED.apiKeys.carol, { name: 'no' }))).status, 404, 'another workspace')
  t.equal((await call(app, DEV.user, put(SEED.apiKeys.workspaceUser, { name: 'no' }))).status, 403)
  const { secret } = addKey(app, { type: 'organisation-service', scopes: ['workspace_user_api_keys.read'] })
  t.equal((await call(app, secret, put(SEED.apiKeys.carol, { name: 'no' }))).status, 403)
  t.equal((await call(app, DEV.admin, put(crypto.randomUUID(), { name: 'no' }))).status, 404)
  const other = addKey(app, { type: 'organisation-service', scopes: ['workspace_service_api_keys.update'] })
  t.equal((await call(app, other.secret, put(SEED.apiKeys.carol, { name: 'no' }))).status, 403, 'the update scope of another type of key')
  t.equal((await read(app, SEED.apiKeys.carol)).name, 'Carol\'s key', 'unchanged')
  t.equal((await call(app, other.secret, put(SEED.apiKeys.sharedCi, { name: 'yes' }))).status, 200, 'and of this type')
})

t.test('delete: {} back, then a 404 on read, a 401 for its secret, and a 404 on a second delete', async t => {
  const app = await build(t)
  const created = (await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: { name: 'doomed', scopes: ['workspace_user_api_keys.list'] } })).body
  t.equal((await call(app, created.key, { url: '/api-keys' })).status, 200)
  const total = (await call(app, DEV.admin, { url: '/api-keys' })).body.total

  const emptyJson = await call(app, DEV.admin, { method: 'DELETE', url: `/api-keys/${created.id}`, headers: { 'content-type': 'application/json' } })
  t.equal(emptyJson.status, 200, 'an empty body with a JSON content type, as Terraform sends')
  t.same(emptyJson.body, {})
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${created.id}` })).status, 404)
  t.equal((await call(app, created.key, { url: '/api-keys' })).status, 401)
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/api-keys/${created.id}` })).status, 404)
  t.equal((await call(app, DEV.admin, { url: '/api-keys' })).body.total, total - 1)

  const withId = await call(app, DEV.admin, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.carol}`, payload: { id: SEED.apiKeys.carol } })
  t.equal(withId.status, 200, 'an {"id"} body, as the Node SDK sends')
})

t.test('deleting needs the delete scope and sight of the key', async t => {
  const app = await build(t)
  t.equal((await call(app, DEV.workspace, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.carol}` })).status, 404)
  t.equal((await call(app, DEV.user, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.workspaceUser}` })).status, 403)
  const { secret } = addKey(app, { type: 'organisation-service', scopes: ['workspace_user_api_keys.update'] })
  t.equal((await call(app, secret, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.carol}` })).status, 403)
  const other = addKey(app, { type: 'organisation-service', scopes: ['workspace_service_api_keys.delete'] })
  t.equal((await call(app, other.secret, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.carol}` })).status, 403, 'the delete scope of another type of key')
  t.equal((await read(app, SEED.apiKeys.carol)).id, SEED.apiKeys.carol, 'still there')
  t.equal((await call(app, other.secret, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.sharedCi}` })).status, 200, 'and of this type')
})
