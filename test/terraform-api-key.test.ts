import t from 'tap'
import { build, call, DEV, SEED, TestClock } from './helper.js'

// portkey_api_key as the Terraform provider's client sends it (internal/client/client.go): create,
// then read the key back; an update whose answer it ignores, then a read; import by id; delete. After
// apply, what it wrote must read back the same, or Terraform reports an inconsistent result.

const headers = { 'content-type': 'application/json' }
const NOW = Date.parse('2026-03-10T12:00:00.000Z')

t.test('the provider\'s API key flow: usage limits without a type and a rotation policy read back as planned', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const created = await call(app, DEV.admin, {
    method: 'POST', url: '/v1/api-keys/workspace/service', headers,
    payload: {
      name: 'tf-key', workspace_id: SEED.workspaces.research.id, scopes: ['completions.write'],
      usage_limits: { credit_limit: 100, periodic_reset: 'monthly' },
      rotation_policy: { rotation_period: 'monthly', key_transition_period_ms: 3600000 },
    },
  })
  t.equal(created.status, 200)
  const read = async () => (await call(app, DEV.admin, { url: `/v1/api-keys/${created.body.id}`, headers })).body
  let state = await read()
  t.equal(state.usage_limits.type, null, 'the type the plan left null stays null')
  t.same(state.rotation_policy, { rotation_period: 'monthly', key_transition_period_ms: 3600000, next_rotation_at: '2026-04-10T12:00:00.000Z' },
    'all three, next_rotation_at computed')

  // A later apply that renames the key sends the policy back with the next_rotation_at it read.
  const renamed = await call(app, DEV.admin, {
    method: 'PUT', url: `/v1/api-keys/${created.body.id}`, headers,
    payload: { name: 'tf-key-2', scopes: ['completions.write'], rotation_policy: state.rotation_policy },
  })
  t.equal(renamed.status, 200)
  state = await read()
  t.equal(state.rotation_policy.next_rotation_at, '2026-04-10T12:00:00.000Z', 'unchanged')

  const weekly = await call(app, DEV.admin, {
    method: 'PUT', url: `/v1/api-keys/${created.body.id}`, headers,
    payload: { rotation_policy: { rotation_period: 'weekly', key_transition_period_ms: 1800000 } },
  })
  t.equal(weekly.status, 200)
  t.same((await read()).rotation_policy, { rotation_period: 'weekly', key_transition_period_ms: 1800000, next_rotation_at: '2026-03-17T12:00:00.000Z' })
  t.same(await read(), await read(), 'import: a read by id gives the whole state')
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/v1/api-keys/${created.body.id}`, headers })).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/v1/api-keys/${created.body.id}`, headers })).status, 404, 'gone: 404, which drops it from state')
})

t.test('a base URL with a trailing slash: //api-keys is served', async t => {
  const app = await build(t)
  for (const url of ['/v1//api-keys', '//api-keys', `/v1//admin/workspaces/${SEED.workspaces.shared.id}`]) {
    t.equal((await call(app, DEV.admin, { url })).status, 200, url)
  }
})
