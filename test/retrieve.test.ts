import t from 'tap'
import { addKey, build, call, DEV, SEED, TestClock } from './helper.js'

const FIELDS = ['id', 'key', 'name', 'description', 'type', 'organisation_id', 'workspace_id', 'user_id', 'status',
  'created_at', 'last_updated_at', 'creation_mode', 'rate_limits', 'usage_limits', 'reset_usage', 'expires_at',
  'last_reset_at', 'alert_emails', 'expiry_enforced', 'allow_config_override', 'api_key_defaults_id', 'scopes',
  'defaults', 'rotation_policy', 'object']

t.test('retrieve answers the full object, every field present in the live order', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, { url: `/v1/api-keys/${SEED.apiKeys.researchPipeline}` })
  t.equal(status, 200)
  t.same(Object.keys(body), FIELDS)
  const { key, ...rest } = body
  t.match(key, /^[^*]{2}\*{5}[^*]{3}$/)
  t.same(rest, {
    id: SEED.apiKeys.researchPipeline,
    name: 'Research pipeline',
    description: 'Pinned to the staging config',
    type: 'workspace-service',
    organisation_id: SEED.organisation.id,
    workspace_id: SEED.workspaces.research.id,
    user_id: null,
    status: 'active',
    created_at: '2025-06-02T09:20:00.000Z',
    last_updated_at: '2025-06-02T09:20:00.000Z',
    creation_mode: 'ui',
    rate_limits: [{ type: 'requests', unit: 'rpm', value: 100 }, { type: 'tokens', unit: 'rpd', value: 1000000 }],
    usage_limits: null,
    reset_usage: null,
    expires_at: '2099-12-31T23:59:59.000Z',
    last_reset_at: null,
    alert_emails: null,
    expiry_enforced: 1,
    allow_config_override: 0,
    api_key_defaults_id: 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6',
    scopes: ['completions.write', 'configs.read'],
    defaults: { metadata: { team: 'research', environment: 'staging' }, config_id: 'pc-research-9f2e1a' },
    rotation_policy: { rotation_period: 'monthly', key_transition_period_ms: 3600000, next_rotation_at: '2026-12-01T00:00:00.000Z' },
    object: 'api-key',
  })
})

t.test('retrieve is the same under /v1 and at the root, and agrees with the list', async t => {
  const app = await build(t)
  const list = (await call(app, DEV.admin, { url: '/api-keys?page_size=1000' })).body.data as { id: string }[]
  for (const item of list) {
    const { status, body } = await call(app, DEV.admin, { url: `/api-keys/${item.id}` })
    t.equal(status, 200)
    t.same(body, item, item.id)
  }
  const v1 = await call(app, DEV.admin, { url: `/v1/api-keys/${SEED.apiKeys.carol}` })
  const root = await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.carol}` })
  t.same(root.body, v1.body)
})

t.test('status is exhausted as stored, and expired once expires_at has passed', async t => {
  const expiry = Date.parse('2025-09-30T00:00:00.000Z')
  const clock = new TestClock(expiry - 1)
  const app = await build(t, { clock })
  const read = async (id: string) => (await call(app, DEV.admin, { url: `/api-keys/${id}` })).body.status
  t.equal(await read(SEED.apiKeys.exhausted), 'exhausted')
  t.equal(await read(SEED.apiKeys.expired), 'active', 'a moment before expires_at')
  clock.ms = expiry
  t.equal(await read(SEED.apiKeys.expired), 'expired', 'at expires_at')
  t.equal(await read(SEED.apiKeys.researchPipeline), 'active', 'a far expiry is still active')
})

t.test('an unknown id is a 404; a malformed one a 400 naming id', async t => {
  const app = await build(t)
  const missing = await call(app, DEV.admin, { url: `/api-keys/${crypto.randomUUID()}` })
  t.equal(missing.status, 404)
  t.equal(missing.body.data.errorCode, 'AB08')
  const malformed = await call(app, DEV.admin, { url: '/api-keys/not-a-uuid' })
  t.equal(malformed.status, 400)
  t.same(malformed.body, { success: false, data: { message: 'Invalid path parameter id: must match format "uuid"', errorCode: 'AB01' } })
})

t.test('a workspace key reads its own workspace and nothing else, as if the rest did not exist', async t => {
  const app = await build(t)
  const own = await call(app, DEV.workspace, { url: `/api-keys/${SEED.apiKeys.workspaceUser}` })
  t.equal(own.status, 200)
  t.equal(own.body.workspace_id, SEED.workspaces.shared.id)
  for (const id of [SEED.apiKeys.admin, SEED.apiKeys.researchPipeline, SEED.apiKeys.carol]) {
    const { status, body } = await call(app, DEV.workspace, { url: `/api-keys/${id}` })
    t.equal(status, 404, id)
    const missing = await call(app, DEV.workspace, { url: `/api-keys/${crypto.randomUUID()}` })
    t.same(body.data.errorCode, missing.body.data.errorCode, 'indistinguishable from a missing key')
  }
})

t.test('a key of another organisation is a 404 even to an admin', async t => {
  const app = await build(t)
  const other = { id: crypto.randomUUID(), name: 'Other Ltd', created_at: 0 }
  app.store.organisations.insert(other)
  const { id } = addKey(app, { type: 'organisation-service', organisation_id: other.id })
  const { status, body } = await call(app, DEV.admin, { url: `/api-keys/${id}` })
  t.equal(status, 404)
  t.equal(body.data.errorCode, 'AB08')
})

t.test('reading needs the read scope for the target type; list does not imply it', async t => {
  const app = await build(t)
  const { secret } = addKey(app, {
    type: 'organisation-service',
    scopes: ['workspace_user_api_keys.read', 'organisation_service_api_keys.list', 'workspace_service_api_keys.list'],
  })
  t.equal((await call(app, secret, { url: `/api-keys/${SEED.apiKeys.carol}` })).status, 200)
  for (const id of [SEED.apiKeys.admin, SEED.apiKeys.researchPipeline]) {
    const { status, body } = await call(app, secret, { url: `/api-keys/${id}` })
    t.equal(status, 403, id)
    t.equal(body.data.errorCode, 'AB03')
  }
})

t.test('a workspace-user key may not read keys, not even its own', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.user, { url: `/api-keys/${SEED.apiKeys.workspaceUser}` })
  t.equal(status, 403)
  t.equal(body.data.errorCode, 'AB03')
})
