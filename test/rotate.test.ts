import t from 'tap'
import { addKey, build, call, DEV, SEED, TestClock } from './helper.js'

const rotate = (id: string, payload?: object) => ({ method: 'POST' as const, url: `/v1/api-keys/${id}/rotate`, ...(payload ? { payload } : {}) })

t.test('rotation answers a new secret; the old one works until the transition ends, then 401', async t => {
  const clock = new TestClock(Date.parse('2026-05-01T10:00:00.000Z'))
  const app = await build(t, { clock })
  const { id, secret: old } = addKey(app, { type: 'organisation-service', scopes: ['workspace_user_api_keys.list'] })
  const { status, body } = await call(app, DEV.admin, rotate(id))
  t.equal(status, 200)
  t.same(Object.keys(body), ['id', 'key', 'key_transition_expires_at'])
  t.equal(body.id, id)
  t.not(body.key, old)
  t.equal(body.key_transition_expires_at, '2026-05-01T10:30:00.000Z', 'the default transition is 30 minutes')

  const read = (await call(app, DEV.admin, { url: `/api-keys/${id}` })).body
  t.equal(read.key, `${body.key.slice(0, 2)}*****${body.key.slice(-3)}`, 'reads show the new secret masked')
  t.equal(read.last_updated_at, '2026-05-01T10:00:00.000Z')
  t.equal((await call(app, old, { url: '/api-keys' })).status, 200, 'the old secret during the transition')
  t.equal((await call(app, body.key, { url: '/api-keys' })).status, 200, 'the new secret at once')
  clock.ms = Date.parse(body.key_transition_expires_at)
  t.equal((await call(app, old, { url: '/api-keys' })).status, 401, 'the old secret after it')
  t.equal((await call(app, body.key, { url: '/api-keys' })).status, 200)
})

t.test('a second rotation during the transition is a 409 AB07; after it, a new rotation is fine', async t => {
  const clock = new TestClock(Date.parse('2026-05-01T10:00:00.000Z'))
  const app = await build(t, { clock })
  const first = await call(app, DEV.admin, rotate(SEED.apiKeys.carol, { key_transition_period_ms: 3_600_000 }))
  t.equal(first.body.key_transition_expires_at, '2026-05-01T11:00:00.000Z')
  const second = await call(app, DEV.admin, rotate(SEED.apiKeys.carol, {}))
  t.equal(second.status, 409)
  t.equal(second.body.data.errorCode, 'AB07')
  t.match(second.body.data.message, '2026-05-01T11:00:00.000Z')
  clock.ms = Date.parse('2026-05-01T11:00:00.000Z')
  const third = await call(app, DEV.admin, rotate(SEED.apiKeys.carol))
  t.equal(third.status, 200)
  t.equal((await call(app, first.body.key, { url: '/api-keys' })).status, 403, 'the secret before it still authenticates in its own transition')
  const retired = app.store.db.prepare('SELECT count(*) FROM api_key_retired_secrets WHERE api_key_id = ?').pluck().get(SEED.apiKeys.carol)
  t.equal(retired, 1, 'the lapsed first secret was dropped: only the one in transition remains beside the current one')
})

t.test('a transition shorter than 30 minutes is a 400', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, rotate(SEED.apiKeys.carol, { key_transition_period_ms: 1_799_999 }))
  t.equal(status, 400)
  t.match(body.data.message, /key_transition_period_ms: must be >= 1800000/)
})

t.test('either the rotate or the update scope allows rotation; neither is a 403', async t => {
  const app = await build(t)
  for (const action of ['rotate', 'update']) {
    const { secret } = addKey(app, { type: 'organisation-service', scopes: [`workspace_user_api_keys.${action}`] })
    const target = addKey(app, { type: 'workspace-user' })
    t.equal((await call(app, secret, rotate(target.id))).status, 200, action)
  }
  const { secret } = addKey(app, { type: 'organisation-service', scopes: ['workspace_user_api_keys.read'] })
  t.equal((await call(app, secret, rotate(SEED.apiKeys.carol))).status, 403)
  t.equal((await call(app, DEV.workspace, rotate(SEED.apiKeys.carol))).status, 404, 'another workspace')
  t.equal((await call(app, DEV.admin, rotate(crypto.randomUUID()))).status, 404)
})
