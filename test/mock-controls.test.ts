import { once } from 'node:events'
import { connect } from 'node:net'
import { join } from 'node:path'
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { answersOf, build, call, DEV, listen, SEED } from './helper.js'

const HOUR = 3_600_000
const setClock = (payload: object) => ({ method: 'POST' as const, url: '/__mock/clock', payload })

t.test('the clock: read, set, advance, freeze, back to real time', async t => {
  const app = await build(t)
  const before = Date.now()
  const first = (await call(app, undefined, { url: '/__mock/clock' })).body
  t.equal(first.frozen, false)
  t.equal(first.offset_ms, 0)
  t.ok(Date.parse(first.now) >= before - 1000 && Date.parse(first.now) <= Date.now() + 1000, 'the machine\'s time')

  t.same((await call(app, undefined, setClock({ set: '2030-01-01T00:00:00Z' }))).body, { now: '2030-01-01T00:00:00.000Z', frozen: true, offset_ms: 0 })
  t.equal((await call(app, undefined, setClock({ advance_ms: 2 * HOUR }))).body.now, '2030-01-01T02:00:00.000Z', 'a frozen clock moves by what it is told')
  t.equal((await call(app, undefined, { url: '/__mock/clock' })).body.now, '2030-01-01T02:00:00.000Z', 'and stands still otherwise')

  const real = (await call(app, undefined, setClock({ real: true }))).body
  t.match(real, { frozen: false, offset_ms: 0 })
  const ahead = (await call(app, undefined, setClock({ advance_ms: 24 * HOUR }))).body
  t.equal(ahead.offset_ms, 24 * HOUR, 'a running clock runs a day ahead')
  t.ok(Math.abs(Date.parse(ahead.now) - (Date.now() + 24 * HOUR)) < 1000)
  t.match((await call(app, undefined, setClock({ freeze: true }))).body, { frozen: true, offset_ms: 0 }, 'frozen a day ahead: no longer running ahead of anything')
  const back = (await call(app, undefined, setClock({ real: true }))).body
  t.match(back, { frozen: false, offset_ms: 0 }, 'back to real time from a day ahead')
  t.ok(Math.abs(Date.parse(back.now) - Date.now()) < 1000, 'the machine\'s time, not a day ahead of it')
})

t.test('bad clock changes are a 400 naming what is wrong, and change nothing', async t => {
  const app = await build(t)
  await call(app, undefined, setClock({ set: '2030-01-01T00:00:00Z' }))
  const cases: [object, RegExp][] = [
    [{}, /exactly one of/],
    [{ set: '2030-01-01T00:00:00Z', advance_ms: 1 }, /exactly one of/],
    [{ set: '2030-06-30T23:59:60Z' }, /set/],
    [{ advance_ms: -1 }, /advance_ms/],
    [{ advance_ms: 1.5 }, /advance_ms/],
    [{ freeze: false }, /freeze/],
  ]
  for (const [payload, message] of cases) {
    const { status, body } = await call(app, undefined, setClock(payload))
    t.equal(status, 400, JSON.stringify(payload))
    t.match(body.data.message, message)
  }
  await call(app, undefined, setClock({ set: '9999-12-31T00:00:00Z' }))
  const past = await call(app, undefined, setClock({ advance_ms: 48 * HOUR }))
  t.equal(past.status, 400)
  t.match(past.body.data.message, /advance_ms: the clock would pass 9999-12-31T23:59:59.999Z/)
  t.equal((await call(app, undefined, { url: '/__mock/clock' })).body.now, '9999-12-31T00:00:00.000Z')
  // The last instant itself can be reached, and not a millisecond past it.
  const toLast = 24 * HOUR - 1
  t.equal((await call(app, undefined, setClock({ advance_ms: toLast + 1 }))).status, 400, 'a millisecond past the last instant')
  t.equal((await call(app, undefined, setClock({ advance_ms: toLast }))).body.now, '9999-12-31T23:59:59.999Z', 'the last instant')
})

t.test('moving the clock past expires_at expires a key and refuses its secret', async t => {
  const app = await build(t)
  await call(app, undefined, setClock({ set: '2030-01-01T00:00:00Z' }))
  const { body } = await call(app, DEV.admin, {
    method: 'POST', url: '/api-keys/organisation/service',
    payload: { name: 'short-lived', scopes: ['organisation_service_api_keys.list'], expires_at: '2030-01-01T01:00:00Z' },
  })
  t.equal((await call(app, body.key, { url: '/api-keys' })).status, 200)
  await call(app, undefined, setClock({ advance_ms: 2 * HOUR }))
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${body.id}` })).body.status, 'expired')
  t.equal((await call(app, body.key, { url: '/api-keys' })).status, 401)
})

t.test('a rotation\'s old secret stops when the clock passes the transition', async t => {
  const app = await build(t)
  await call(app, undefined, setClock({ set: '2030-01-01T00:00:00Z' }))
  const { body } = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: { name: 'r', scopes: ['organisation_service_api_keys.list'] } })
  const rotated = (await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${body.id}/rotate` })).body
  t.equal(rotated.key_transition_expires_at, '2030-01-01T00:30:00.000Z')
  await call(app, undefined, setClock({ advance_ms: 29 * 60_000 }))
  t.equal((await call(app, body.key, { url: '/api-keys' })).status, 200, 'within the transition')
  await call(app, undefined, setClock({ advance_ms: 60_000 }))
  t.equal((await call(app, body.key, { url: '/api-keys' })).status, 401, 'after it')
  t.equal((await call(app, rotated.key, { url: '/api-keys' })).status, 200, 'the new secret works')
})

t.test('reset puts the store back to the seed: the same answers, byte for byte', async t => {
  const app = await build(t)
  await call(app, undefined, setClock({ set: '2030-01-01T00:00:00Z' }))
  const before = await answersOf(app)
  const created = (await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: { name: 'temp', scopes: [] } })).body
  await call(app, DEV.admin, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.sharedCi}` })
  await call(app, DEV.admin, { method: 'POST', url: '/admin/workspaces', payload: { name: 'temp', users: [SEED.users.carol.id] } })
  await call(app, DEV.admin, { method: 'DELETE', url: `/admin/users/${SEED.users.bob.id}` })
  await call(app, DEV.admin, { method: 'POST', url: '/admin/users/invites', payload: { email: 'z@acme.test', role: 'member' } })
  t.not(JSON.stringify(await answersOf(app)), JSON.stringify(before), 'the writes changed the store')

  const { status, body } = await call(app, undefined, { method: 'POST', url: '/__mock/reset' })
  t.equal(status, 200)
  t.same(body, { status: 'reset' })
  t.same(await answersOf(app), before)
  t.equal((await call(app, created.key, { url: '/api-keys' })).status, 401, 'a key made since is gone, secret and all')
  t.equal((await call(app, undefined, { url: '/__mock/clock' })).body.now, '2030-01-01T00:00:00.000Z', 'the clock is left as it was')
})

t.test('reset works on a file store too, and what it leaves survives a restart', async t => {
  const db = join(t.testdir(), 'reset.db')
  const first = await build(t, { config: { db } })
  const before = await answersOf(first)
  await call(first, DEV.admin, { method: 'POST', url: '/admin/workspaces', payload: { name: 'temp' } })
  t.equal((await call(first, undefined, { method: 'POST', url: '/__mock/reset' })).status, 200)
  await first.close()
  const second = await build(t, { config: { db } })
  t.same(await answersOf(second), before)
})

t.test('over HTTP', async t => {
  const base = await listen(await build(t))
  const moved = await fetch(`${base}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ set: '2031-05-05T05:05:05Z' }) })
  t.equal(moved.status, 200)
  t.equal(((await moved.json()) as { now: string }).now, '2031-05-05T05:05:05.000Z')
  const reset = await fetch(`${base}/__mock/reset`, { method: 'POST' })
  t.same(await reset.json(), { status: 'reset' })
})

t.test('a control refuses a query parameter or body field it does not list, and changes nothing; health and Portkey\'s routes ignore one', async t => {
  const app = await build(t)
  await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: { name: 'kept', scopes: ['organisation_service_api_keys.list'] } })
  await call(app, undefined, { method: 'POST', url: '/__mock/faults', payload: { path: '/v1/configs', status: 503 } })
  await call(app, undefined, setClock({ set: '2030-01-01T00:00:00Z' }))
  const journalled = async () => (await call(app, undefined, { url: '/__mock/requests' })).body.total as number
  const state = async () => ({
    store: await answersOf(app),
    faults: (await call(app, undefined, { url: '/__mock/faults' })).body.total as number,
    snapshots: (await call(app, undefined, { url: '/__mock/snapshots' })).body.total as number,
    clock: (await call(app, undefined, { url: '/__mock/clock' })).body.now as string,
  })
  const before = await state()
  const kept = await journalled()
  t.ok(kept > 0 && before.faults === 1, 'a journal and a fault to lose')
  const cases: [InjectOptions & { url: string }, string][] = [
    [{ method: 'DELETE', url: '/__mock/requests?method=GET' }, 'Unknown query parameter method (it takes none)'],
    [{ url: '/__mock/requests?statuss=500' }, 'Unknown query parameter statuss (it takes method, path, status, api_key_id, operation_id, page_size, current_page)'],
    [{ method: 'DELETE', url: '/__mock/faults?id=1' }, 'Unknown query parameter id (it takes none)'],
    [{ method: 'POST', url: '/__mock/reset?keep=true' }, 'Unknown query parameter keep (it takes none)'],
    [{ method: 'POST', url: '/__mock/snapshots/clean?overwrite=false' }, 'Unknown query parameter overwrite (it takes none)'],
    [{ method: 'POST', url: '/__mock/clock?advance_ms=60000', payload: { advance_ms: 60_000 } }, 'Unknown query parameter advance_ms (it takes none)'],
    [{ url: '/__mock/clock?tz=UTC' }, 'Unknown query parameter tz (it takes none)'],
    [{ method: 'POST', url: '/__mock/organisations?name=x' }, 'Unknown query parameter name (it takes none)'],
    // A control that takes no body takes `{}` at most: a field is a wish it would not have granted.
    [{ method: 'DELETE', url: '/__mock/requests', payload: { method: 'GET' } }, 'Unknown body field method (it takes none)'],
    [{ method: 'POST', url: '/__mock/reset', payload: { organisation_id: SEED.organisation.id } }, 'Unknown body field organisation_id (it takes none)'],
    [{ method: 'DELETE', url: '/__mock/faults', payload: { id: 1 } }, 'Unknown body field id (it takes none)'],
    [{ method: 'POST', url: '/__mock/snapshots/clean', payload: { include: 'keys' } }, 'Unknown body field include (it takes none)'],
  ]
  for (const [request, message] of cases) {
    const { status, body } = await call(app, undefined, request)
    t.equal(status, 400, `${request.method ?? 'GET'} ${request.url} ${JSON.stringify(request.payload ?? '')}`)
    t.same(body, { success: false, data: { message, errorCode: 'AB01' } })
  }
  t.equal(await journalled(), kept, 'the journal kept (the stand-in\'s own routes are never journalled)')
  t.same(await state(), before, 'the store, faults, snapshots and clock as they were')

  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/clean', payload: {} })).status, 200, 'an empty body is taken')
  const curled = await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/curled', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(curled.status, 200, 'and so is none sent as a form, as `curl -d \'\'` sends it')
  t.equal((await call(app, undefined, { url: '/__mock/health?probe=1' })).status, 200, 'health ignores one')
  t.equal((await call(app, undefined, { url: '/openapi.json?v=2' })).status, 200, 'and so does the document')
  t.equal((await call(app, DEV.admin, { url: '/v1/api-keys?workspaceId=x' })).status, 200, 'and Portkey\'s routes')

  const base = await listen(app)
  const held = await journalled()
  const cleared = await fetch(`${base}/__mock/requests?method=GET`, { method: 'DELETE' })
  t.equal(cleared.status, 400, 'over HTTP')
  t.equal(((await cleared.json()) as { data: { message: string } }).data.message, 'Unknown query parameter method (it takes none)')
  t.equal(await journalled(), held, 'the journal kept')
})

t.test('with an admin token, every /__mock route but health needs it; without one they are open', async t => {
  const app = await build(t, { config: { adminToken: 'let-me-in-please' } })
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  t.equal((await call(app, undefined, { url: '/__mock/health' })).status, 200, 'health is always open')
  t.equal((await call(app, undefined, { method: 'HEAD', url: '/__mock/health' })).status, 200, 'to HEAD too')
  for (const request of [{ url: '/__mock/clock' }, { method: 'POST' as const, url: '/__mock/reset' }, { url: '/__mock//clock' }]) {
    const missing = await call(app, undefined, request)
    t.equal(missing.status, 401, `${request.url} without the token`)
    t.equal(missing.body.data.errorCode, 'AB05')
    t.equal((await call(app, undefined, { ...request, headers: bearer('wrong-token-here') })).status, 401, 'a wrong token')
    t.equal((await call(app, undefined, { ...request, headers: bearer('let-me-in-please') })).status, 200, 'the right one')
  }
  for (const scheme of ['bearer', 'BEARER']) {
    t.equal((await call(app, undefined, { url: '/__mock/clock', headers: { authorization: `${scheme} let-me-in-please` } })).status, 200, `the scheme as ${scheme}`)
  }
  for (const authorization of ['let-me-in-please', 'Basic let-me-in-please', 'Bearer', 'Bearer let-me-in-pleasE']) {
    t.equal((await call(app, undefined, { url: '/__mock/clock', headers: { authorization } })).status, 401, authorization)
  }
  const accept = { method: 'POST' as const, url: `/__mock/invites/${SEED.invites.dave}/accept` }
  t.equal((await call(app, DEV.admin, accept)).status, 401, 'accepting an invite needs it too')
  t.equal((await call(app, DEV.admin, { ...accept, headers: bearer('let-me-in-please') })).status, 200)
  t.equal((await call(app, DEV.admin, { url: '/api-keys' })).status, 200, 'Portkey\'s routes do not need it')
  const open = await build(t)
  t.equal((await call(open, undefined, { url: '/__mock/clock' })).status, 200, 'without a token, open')
})

t.test('the health route answers HEAD with the headers of its GET and no body, for what waits with HEAD (wait-on)', async t => {
  const base = await listen(await build(t))
  const [get, head] = await Promise.all(['GET', 'HEAD'].map(method => fetch(`${base}/__mock/health`, { method })))
  t.equal(head.status, 200)
  t.equal(await head.text(), '')
  for (const name of ['content-type', 'content-length']) t.equal(head.headers.get(name), get.headers.get(name), name)
  t.same(await get.json(), { status: 'ok' })
  t.equal((await fetch(`${base}/v1/api-keys`, { method: 'HEAD' })).status, 404, 'Portkey\'s routes do not answer HEAD')
})

t.test('the Date header tells the stand-in\'s time once its clock is moved, and the machine\'s when it is not', async t => {
  const base = await listen(await build(t))
  const dateOf = async (path: string, key?: string) =>
    (await fetch(`${base}${path}`, { headers: key ? { 'x-portkey-api-key': key } : {} })).headers.get('date')
  const moveClock = (body: object) => fetch(`${base}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const machine = Date.parse((await dateOf('/v1/api-keys', DEV.admin))!)
  t.ok(Math.abs(machine - Date.now()) < 2000, 'the machine\'s time at first')

  await moveClock({ set: '2030-01-01T00:00:00Z' })
  t.equal(await dateOf('/v1/api-keys', DEV.admin), 'Tue, 01 Jan 2030 00:00:00 GMT', 'a set clock')
  t.equal(await dateOf('/v1/api-keys'), 'Tue, 01 Jan 2030 00:00:00 GMT', 'on a refusal too')
  t.equal(await dateOf('/v1/no-such-route'), 'Tue, 01 Jan 2030 00:00:00 GMT', 'and on a 404')
  // And on what is answered before Fastify sees a request: Node could not parse it, an Expect, a CONNECT.
  const url = new URL(base)
  for (const request of ['GET /api-keys HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'POST /api-keys HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n', 'CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n']) {
    const socket = connect(Number(url.port), url.hostname)
    socket.end(request)
    let answer = ''
    socket.setEncoding('utf8').on('data', chunk => { answer += chunk })
    await once(socket, 'close')
    t.match(answer, /\r\nDate: Tue, 01 Jan 2030 00:00:00 GMT\r\n/i, answer.split('\r\n', 1)[0])
  }
  await moveClock({ advance_ms: 3_600_000 })
  t.equal(await dateOf('/__mock/health'), 'Tue, 01 Jan 2030 01:00:00 GMT', 'an advanced one')
  await moveClock({ real: true })
  t.ok(Math.abs(Date.parse((await dateOf('/__mock/health'))!) - Date.now()) < 2000, 'the machine\'s time again')
  await moveClock({ advance_ms: 365 * 86_400_000 })
  t.ok(Math.abs(Date.parse((await dateOf('/__mock/health'))!) - (Date.now() + 365 * 86_400_000)) < 2000, 'a running clock moved ahead')
})
