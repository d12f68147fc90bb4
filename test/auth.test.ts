import { PassThrough } from 'node:stream'
import t from 'tap'
import { addKey, build, call, DEV, SEED, TestClock } from './helper.js'

const UNAUTHORISED = { success: false, data: { message: 'Unauthorised Request', errorCode: 'AB05' } }

t.test('a missing or empty x-portkey-api-key is a 401 on every Portkey route', async t => {
  const app = await build(t)
  for (const url of ['/api-keys', '/v1/api-keys', `/api-keys/${SEED.apiKeys.admin}`, '/api-keys/not-a-uuid', '/api-keys?page_size=0']) {
    for (const secret of [undefined, '']) {
      const { status, body } = await call(app, secret, { url })
      t.equal(status, 401, `${url} with ${JSON.stringify(secret)}`)
      t.equal(body.data.errorCode, 'AB05')
      t.match(body.data.message, /x-portkey-api-key header is missing/)
    }
  }
})

t.test('the three dev keys answer to the secrets their settings give, and no longer to the built-in ones', async t => {
  const app = await build(t, { config: { adminApiKey: 'custom-admin-secret-01', workspaceApiKey: 'custom-workspace-secret-02', userApiKey: 'custom-user-secret-03' } })
  const statusOf = async (secret: string) => (await call(app, secret, { url: '/v1/api-keys' })).status
  t.same([await statusOf('custom-admin-secret-01'), await statusOf('custom-workspace-secret-02'), await statusOf('custom-user-secret-03')], [200, 200, 403],
    'each authenticates (a user key may not manage keys: a 403, not a 401)')
  t.same([await statusOf(DEV.admin), await statusOf(DEV.workspace), await statusOf(DEV.user)], [401, 401, 401])
})

t.test('an unknown secret is a 401 that says nothing more', async t => {
  const app = await build(t)
  for (const secret of ['nope-nope-nope', `${DEV.admin}x`, DEV.admin.toUpperCase(), `${DEV.admin}, ${DEV.admin}`]) {
    const { status, body } = await call(app, secret, { url: '/api-keys' })
    t.equal(status, 401, secret)
    t.same(body, UNAUTHORISED)
  }
})

t.test('an expired key stops authenticating when its expiry passes', async t => {
  const clock = new TestClock(Date.parse('2026-01-01T00:00:00.000Z'))
  const app = await build(t, { clock })
  const { secret } = addKey(app, {
    type: 'organisation-service', scopes: ['organisation_service_api_keys.list'], expires_at: clock.ms + 1000,
  })
  t.equal((await call(app, secret, { url: '/api-keys' })).status, 200)
  clock.ms += 1000
  const { status, body } = await call(app, secret, { url: '/api-keys' })
  t.equal(status, 401)
  t.same(body, UNAUTHORISED)
})

t.test('a deleted key stops authenticating', async t => {
  const app = await build(t)
  const { id, secret } = addKey(app, { type: 'organisation-service', scopes: ['organisation_service_api_keys.list'] })
  t.equal((await call(app, secret, { url: '/api-keys' })).status, 200)
  app.store.db.prepare('DELETE FROM api_keys WHERE id = ?').run(id)
  t.equal((await call(app, secret, { url: '/api-keys' })).status, 401)
})

t.test('an exhausted key still manages keys: exhaustion is about gateway usage', async t => {
  const app = await build(t)
  const { secret } = addKey(app, { type: 'organisation-service', status: 'exhausted', scopes: ['workspace_user_api_keys.list'] })
  t.equal((await call(app, secret, { url: '/api-keys' })).status, 200)
})

t.test('header names are case-insensitive, and the SDK headers are accepted', async t => {
  const app = await build(t)
  const { status } = await call(app, undefined, {
    url: '/api-keys',
    headers: {
      'X-Portkey-Api-Key': DEV.admin,
      'x-portkey-package-version': 'portkey-3.1.0',
      'x-portkey-runtime': 'node',
      'x-portkey-runtime-version': 'v20.20.2',
      'x-portkey-strict-open-ai-compliance': 'false',
      'content-type': 'application/json',
    },
  })
  t.equal(status, 200)
})

t.test('what authentication remembers never outlives a change: narrowed scopes, a deletion, a restore', async t => {
  const app = await build(t)
  const lister = addKey(app, { type: 'organisation-service', scopes: ['organisation_service_api_keys.list'] })
  t.equal((await call(app, lister.secret, { url: '/api-keys' })).status, 200, 'found, and remembered')
  t.equal((await call(app, lister.secret, { url: '/api-keys' })).status, 200, 'found again')
  const narrowed = await call(app, DEV.admin, { method: 'PUT', url: `/api-keys/${lister.id}`, payload: { scopes: ['organisation_service_api_keys.read'] } })
  t.equal(narrowed.status, 200)
  t.equal((await call(app, lister.secret, { url: '/api-keys' })).status, 403, 'the narrowed scopes apply at once')

  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/before-delete' })).status, 200)
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/api-keys/${lister.id}` })).status, 200)
  t.equal((await call(app, lister.secret, { url: `/api-keys/${lister.id}` })).status, 401, 'deleted: refused')
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/before-delete/restore' })).status, 200)
  t.equal((await call(app, lister.secret, { url: `/api-keys/${lister.id}` })).status, 200, 'restored: authenticates again')

  const created = addKey(app, { type: 'organisation-service', scopes: ['organisation_service_api_keys.read'] })
  t.equal((await call(app, created.secret, { url: `/api-keys/${created.id}` })).status, 200)
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/before-delete/restore' })).status, 200)
  t.equal((await call(app, created.secret, { url: `/api-keys/${created.id}` })).status, 401, 'a key the restored image never had: refused')
})

t.test('more callers than authentication remembers (1,024 secrets, and as many scope sets): each still acts as itself', async t => {
  const app = await build(t)
  const keys = Array.from({ length: 1_100 }, (_, i) => addKey(app, { type: 'organisation-service', scopes: i % 2 === 0 ? ['organisation_service_api_keys.list'] : [] }))
  for (let round = 0; round < 2; round++) {
    const statuses = []
    for (const { secret } of keys) statuses.push((await app.inject({ url: '/api-keys?page_size=1', headers: { 'x-portkey-api-key': secret } })).statusCode)
    t.same(statuses, keys.map((_, i) => i % 2 === 0 ? 200 : 403), `round ${round + 1}: every key with its own scopes`)
    t.equal((await call(app, `${keys[0].secret}-not`, { url: '/api-keys' })).status, 401, 'and an unknown secret still refused')
  }
})

t.test('two apps from one seed hold the same key apart: narrowing its scopes in one leaves the other\'s', async t => {
  const [first, second] = [await build(t), await build(t)]
  for (let round = 0; round < 2; round++) {
    t.equal((await call(first, DEV.admin, { method: 'PUT', url: `/api-keys/${SEED.apiKeys.admin}`, payload: { scopes: ['organisation_service_api_keys.read'] } })).status, round === 0 ? 200 : 403,
      round === 0 ? 'the admin narrows its own scopes in the first app' : 'and may no longer update there')
    t.equal((await call(second, DEV.admin, { url: `/api-keys/${SEED.apiKeys.admin}` })).status, 200, 'the second app\'s admin reads as before')
    t.equal((await call(second, DEV.admin, { url: '/api-keys' })).status, 200, 'and lists as before')
    t.equal((await call(first, DEV.admin, { url: '/api-keys' })).status, 403, 'the first app\'s admin may not list')
  }
})

t.test('logs never carry a secret or the auth header, even at trace level', async t => {
  const stream = new PassThrough()
  let logs = ''
  stream.on('data', chunk => { logs += chunk })
  const app = await build(t, { config: { logLevel: 'trace' }, logStream: stream })
  await call(app, DEV.admin, { url: '/api-keys' })
  await call(app, DEV.workspace, { url: `/api-keys/${SEED.apiKeys.admin}` })
  await call(app, 'some-unknown-secret', { url: '/api-keys' })
  t.match(logs, /incoming request/, 'requests were logged')
  for (const secret of [DEV.admin, DEV.workspace, DEV.user, 'some-unknown-secret']) t.notOk(logs.includes(secret), 'no secret in the log')
  t.notOk(/x-portkey-api-key"\s*:\s*"[^[]/i.test(logs), 'no auth header in the log')
})

t.test('requests are logged at debug and trace, not at the shipped info level (the journal has them)', async t => {
  for (const [logLevel, logged] of [['info', false], ['debug', true]] as const) {
    const stream = new PassThrough()
    let logs = ''
    stream.on('data', chunk => { logs += chunk })
    const app = await build(t, { config: { logLevel }, logStream: stream })
    t.equal((await call(app, DEV.admin, { url: '/api-keys' })).status, 200)
    t.equal(/incoming request/.test(logs) && /request completed/.test(logs), logged, logLevel)
  }
})
