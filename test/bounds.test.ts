import t from 'tap'
import fc from 'fast-check'
import { formatInstant, LATEST, parseInstant } from '../src/time.js'
import { addKey, build, call, DEV, SEED, TestClock } from './helper.js'

// Every accepted value must be representable and read back as the clients parse it (RFC 3339,
// years 0001 to 9999, integers JSON keeps exactly); anything else is a 400 naming the field.

const NOW = Date.parse('2026-03-10T12:00:00.000Z')
const create = (payload: object) => ({ method: 'POST' as const, url: '/v1/api-keys/workspace/service', payload: { name: 'k', scopes: [], workspace_id: SEED.workspaces.shared.id, ...payload } })
const update = (payload: object) => ({ method: 'PUT' as const, url: `/v1/api-keys/${SEED.apiKeys.carol}`, payload })

t.test('dates the clients cannot parse are a 400 naming the field, never a 500 or a silent change', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const refused: [string, object][] = [
    ['expires_at', { expires_at: '2030-06-30T23:59:60Z' }],
    ['expires_at', { expires_at: '2016-12-31T23:59:60Z' }],
    ['expires_at', { expires_at: '9999-12-31T23:59:59-23:59' }],
    ['expires_at', { expires_at: '0000-01-01T00:00:00+01:00' }],
    ['expires_at', { expires_at: '2030-02-30T00:00:00Z' }],
    ['expires_at', { expires_at: '2030-01-01 00:00:00Z' }],
    ['expires_at', { expires_at: '2030-01-01T00:00:00+0100' }],
    ['expires_at', { expires_at: '2030-01-01T00:00:00+24:00' }],
    ['usage_limits.next_usage_reset_at', { usage_limits: { credit_limit: 1, next_usage_reset_at: '2030-06-30T23:59:60Z' } }],
    ['rotation_policy.next_rotation_at', { rotation_policy: { next_rotation_at: '2030-06-30T23:59:60Z' } }],
    ['rotation_policy.next_rotation_at', { rotation_policy: { next_rotation_at: '10000-01-01T00:00:00Z' } }],
  ]
  for (const [field, payload] of refused) {
    for (const request of [create(payload), update(payload)]) {
      const { status, body } = await call(app, DEV.admin, request)
      t.equal(status, 400, `${request.method} ${JSON.stringify(payload)}`)
      t.match(body.data.message, field)
    }
  }
})

t.test('dates within range are kept to the millisecond and read back in UTC', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const cases: [string, string][] = [
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:59+00:00', '9999-12-31T23:59:59.000Z'],
    ['2030-01-01T01:00:00+01:00', '2030-01-01T00:00:00.000Z'],
    ['2030-01-01t00:00:00.123456789z', '2030-01-01T00:00:00.123Z'],
  ]
  for (const [sent, read] of cases) {
    const { body } = await call(app, DEV.admin, create({ expires_at: sent, usage_limits: { credit_limit: 5, next_usage_reset_at: sent } }))
    const key = (await call(app, DEV.admin, { url: `/api-keys/${body.id}` })).body
    t.equal(key.expires_at, read, sent)
    t.equal(key.usage_limits.next_usage_reset_at, read)
  }
})

t.test('a past leap second is not stored as "no expiry": it is refused', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const { status } = await call(app, DEV.admin, update({ expires_at: '2016-12-31T23:59:60Z' }))
  t.equal(status, 400)
  const key = (await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.carol}` })).body
  t.equal(key.expires_at, null)
  t.equal(key.expiry_enforced, 0)
})

t.test('integers beyond what JSON keeps exactly are a 400 naming the field', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const big = 2 ** 53
  const refused: [string, object][] = [
    ['rate_limits[0].value', { rate_limits: [{ type: 'requests', unit: 'rpm', value: big }] }],
    ['rate_limits[0].value', { rate_limits: [{ type: 'requests', unit: 'rpm', value: 1e308 }] }],
    ['usage_limits.credit_limit', { usage_limits: { credit_limit: big } }],
    ['usage_limits.alert_threshold', { usage_limits: { alert_threshold: big } }],
    ['rotation_policy.key_transition_period_ms', { rotation_policy: { next_rotation_at: '2030-01-01T00:00:00Z', key_transition_period_ms: 1e21 } }],
  ]
  for (const [field, payload] of refused) {
    const { status, body } = await call(app, DEV.admin, create(payload))
    t.equal(status, 400, JSON.stringify(payload))
    t.match(body.data.message, field)
  }
  const { status } = await call(app, DEV.admin, { url: `/api-keys?current_page=${big}` })
  t.equal(status, 400, 'current_page too')
})

t.test('a number in a body that overflows to Infinity is a 400 naming its place, even where the schema takes any value', async t => {
  const app = await build(t)
  const count = () => app.store.db.prepare('SELECT count(*) FROM configs').pluck().get() as number
  const before = count()
  // Written as JSON text: JSON.stringify would send Infinity as null. A config takes any JSON.
  for (const [place, text] of [
    ['config.retry.attempts', '{"name":"c","config":{"retry":{"attempts":1e400}}}'],
    ['config.weights[1]', '{"name":"c","config":{"weights":[1,-1e400]}}'],
  ]) {
    const response = await app.inject({ method: 'POST', url: '/v1/configs', headers: { 'x-portkey-api-key': DEV.admin, 'content-type': 'application/json' }, payload: text })
    t.equal(response.statusCode, 400, place)
    t.equal(response.json().data.message, `Invalid body field ${place}: must be a finite number`)
  }
  t.equal(count(), before, 'nothing stored')
})

t.test('a rotation whose transition would end past year 9999 is refused before anything is written', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const { id, secret } = addKey(app, { type: 'workspace-service' })
  for (const ms of [8.64e15, 1e21, 2 ** 53 - 1]) {
    const { status, body } = await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${id}/rotate`, payload: { key_transition_period_ms: ms } })
    t.equal(status, 400, String(ms))
    t.match(body.data.message, 'key_transition_period_ms')
  }
  t.equal((await call(app, secret, { url: '/api-keys' })).status, 403, 'the old secret is still the only one: it authenticates (and lacks list)')
  const rotated = await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${id}/rotate`, payload: { key_transition_period_ms: 86_400_000 } })
  t.equal(rotated.status, 200, 'and the key can still be rotated')
  t.equal(rotated.body.key_transition_expires_at, '2026-03-11T12:00:00.000Z')
})

t.test('with the clock near the end of year 9999, a rotation whose transition would pass it is refused', async t => {
  const app = await build(t, { clock: new TestClock(Date.parse('9999-12-31T00:00:00.000Z')) })
  const { id } = addKey(app, { type: 'workspace-service' })
  const refused = await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${id}/rotate`, payload: { key_transition_period_ms: 2 * 86_400_000 } })
  t.equal(refused.status, 400)
  t.equal(refused.body.data.message, 'Invalid body field key_transition_period_ms: the transition would end after 9999-12-31T23:59:59.999Z')
  const rotated = await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${id}/rotate` })
  t.equal(rotated.body.key_transition_expires_at, '9999-12-31T00:30:00.000Z', 'the default half hour still fits')
  const last = addKey(app, { type: 'workspace-service' })
  const toTheEnd = await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${last.id}/rotate`, payload: { key_transition_period_ms: 86_399_999 } })
  t.equal(toTheEnd.body.key_transition_expires_at, '9999-12-31T23:59:59.999Z', 'a transition may end at the last instant')
})

t.test('the calendar: February 29th only in leap years, centuries only every 400 years', async t => {
  for (const year of ['2024', '2000', '1600']) t.equal(parseInstant(`${year}-02-29T00:00:00Z`), Date.parse(`${year}-02-29T00:00:00Z`), year)
  for (const year of ['2026', '2100', '1900']) t.equal(parseInstant(`${year}-02-29T00:00:00Z`), undefined, year)
  const instant = fc.integer({ min: parseInstant('0001-01-01T00:00:00Z')!, max: LATEST })
  t.doesNotThrow(() => fc.assert(fc.property(instant, ms => parseInstant(new Date(ms).toISOString()) === ms)), 'every instant reads back from its rendering')
})

t.test('fractions of a second: fewer than three digits are tenths and hundredths, more are truncated to the millisecond', async t => {
  for (const [fraction, ms] of [['5', 500], ['05', 50], ['050', 50], ['123456789', 123], ['9999', 999]] as const) {
    t.equal(parseInstant(`2026-01-01T00:00:00.${fraction}Z`), Date.parse('2026-01-01T00:00:00Z') + ms, `.${fraction}`)
  }
  const app = await build(t)
  const made = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: { name: 'k', scopes: [], expires_at: '2030-01-01T00:00:00.5+00:00' } })
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${made.body.id}` })).body.expires_at, '2030-01-01T00:00:00.500Z', 'as the API answers it')
})

const nested = (depth: number, inner = '1') => '{"a":'.repeat(depth) + inner + '}'.repeat(depth)

t.test('deeply nested JSON is a 400 naming the limit, checked without recursion', async t => {
  const app = await build(t)
  for (const depth of [65, 5_000, 100_000]) {
    for (const where of [`{"name":"k","scopes":[],"extra":${nested(depth)}}`, '['.repeat(depth) + ']'.repeat(depth)]) {
      const response = await app.inject({ method: 'POST', url: '/api-keys/organisation/service', headers: { 'x-portkey-api-key': DEV.admin, 'content-type': 'application/json' }, payload: where })
      t.equal(response.statusCode, 400, `depth ${depth}`)
      t.match(response.json().data.message, /nested deeper than 64/)
    }
  }
  const fine = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: JSON.parse(`{"name":"k","scopes":[],"extra":${nested(63)}}`) })
  t.equal(fine.status, 200, 'nesting of 64 levels, the limit, under an unknown field is ignored as before')
  for (const name of ['{'.repeat(5000), `"${'['.repeat(5000)}`]) {
    const brackets = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: { name, scopes: [] } })
    t.equal(brackets.status, 400, 'brackets inside strings do not count as nesting, after an escaped quote too')
    t.match(brackets.body.data.message, /^Invalid body field name: /)
  }
})

t.test('a caller without permission never has its body parsed or validated', async t => {
  const app = await build(t)
  const { secret } = addKey(app, { type: 'workspace-service', scopes: ['workspace_service_api_keys.list'] })
  const deep = `{"name":"k","scopes":[],"x":${nested(100_000)}}`
  for (const [method, url] of [['POST', '/api-keys/workspace/service'], ['PUT', `/api-keys/${SEED.apiKeys.sharedCi}`], ['POST', `/api-keys/${SEED.apiKeys.sharedCi}/rotate`]] as const) {
    for (const payload of [deep, '{"oops', JSON.stringify({ name: 7 })]) {
      const response = await app.inject({ method, url, headers: { 'x-portkey-api-key': secret, 'content-type': 'application/json' }, payload })
      t.equal(response.statusCode, 403, `${method} ${url} ${payload.slice(0, 10)}`)
    }
  }
  for (const payload of [deep, '{"oops']) {
    const user = await app.inject({ method: 'POST', url: '/api-keys/workspace/user', headers: { 'x-portkey-api-key': DEV.user, 'content-type': 'application/json' }, payload })
    t.equal(user.statusCode, 403, 'a user key may not manage keys, whatever its body')
  }
  const query = await call(app, DEV.user, { url: '/api-keys?page_size=oops' })
  t.equal(query.status, 403, 'nor is its query validated')
  const unauthenticated = await call(app, 'nobody-knows-this', { method: 'POST', url: '/api-keys/workspace/service', payload: { name: 7 } })
  t.equal(unauthenticated.status, 401, 'an unauthenticated request learns nothing about its input')
})

t.test('instants render as toISOString does, whatever was rendered before them', async t => {
  // Instants from year 0001 to 9999, each with neighbours that share the low bits renderings are kept by.
  const instant = fc.integer({ min: parseInstant('0001-01-01T00:00:00Z')!, max: LATEST - 4096 * 8 })
  const instants = fc.array(fc.tuple(instant, fc.integer({ min: 0, max: 8 })).map(([ms, k]) => ms + k * 4096), { minLength: 1, maxLength: 50 })
  t.doesNotThrow(() => fc.assert(fc.property(instants, list => [...list, ...list.reverse()].every(ms => formatInstant(ms) === new Date(ms).toISOString()))))
})
