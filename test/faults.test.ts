import { InternalServerError, RateLimitError, APIConnectionError } from 'portkey-ai/dist/src/error.js'
import t from 'tap'
import { build, call, DEV, listen, SEED, sdk } from './helper.js'

/** The error a call to the SDK raised. */
const failure = async (call: Promise<unknown>) => {
  try {
    await call
  } catch (error) {
    return error
  }
  throw new Error('the call succeeded')
}

const addFault = (payload: object) => ({ method: 'POST' as const, url: '/__mock/faults', payload })
const journal = async (app: Awaited<ReturnType<typeof build>>, query = '') => (await call(app, undefined, { url: `/__mock/requests?${query}` })).body

t.test('a rule fires exactly N times, in Portkey\'s envelope with Retry-After; the SDK raises RateLimitError', async t => {
  const app = await build(t)
  const base = await listen(app)
  const added = await call(app, undefined, addFault({ method: 'GET', path: '/api-keys/*', status: 429, times: 2, retry_after: 3 }))
  t.equal(added.status, 200)
  t.match(added.body, { id: 1, rule: { path: '/api-keys/*', status: 429, times: 2 }, matched: 0, fired: 0 })

  const url = `${base}/v1/api-keys/${SEED.apiKeys.sharedCi}`
  const first = await fetch(url, { headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(first.status, 429)
  t.equal(first.headers.get('retry-after'), '3')
  t.same(await first.json(), { success: false, data: { message: 'Too many requests', errorCode: 'AB06' } })
  t.type(await failure(sdk(base, DEV.admin).apiKeys.retrieve({ id: SEED.apiKeys.sharedCi })), RateLimitError, 'the SDK does not retry a 429: it raises')
  t.equal((await fetch(url, { headers: { 'x-portkey-api-key': DEV.admin } })).status, 200, 'spent after two')
  t.equal((await fetch(`${base}/v1/api-keys`, { headers: { 'x-portkey-api-key': DEV.admin } })).status, 200, 'another path does not match')
  t.match((await call(app, undefined, { url: '/__mock/faults' })).body, { total: 1, data: [{ id: 1, matched: 3, fired: 2 }] })
})

t.test('a 500 once: the SDK retries, succeeds, and the journal shows both tries', async t => {
  const app = await build(t)
  const base = await listen(app)
  await call(app, undefined, addFault({ path: '/v1/admin/workspaces', method: 'GET', status: 500, times: 1 }))
  const listed = await sdk(base, DEV.admin).admin.workspaces.list({}) as unknown as { total: number }
  t.equal(listed.total, 2, 'the retry got the real answer')
  const tries = await journal(app, 'path=/admin/workspaces')
  t.same(tries.data.map((entry: { status: number }) => entry.status), [200, 500], 'newest first: the retry, then the fault')

  await call(app, undefined, addFault({ path: '/admin/workspaces', status: 503, times: 2 }))
  t.type(await failure(sdk(base, DEV.admin).admin.workspaces.list({})), InternalServerError, 'retried once, failed twice: raised')
})

t.test('a rule\'s headers go with its answer: with x-portkey-request-id the SDK raises a 500 at once, where without it retries', async t => {
  const app = await build(t)
  const base = await listen(app)
  const headers = { 'X-Portkey-Request-Id': 'req-1', 'x-portkey-gateway-exception': 'true', 'x-note': 'a b\tc' }
  const added = await call(app, undefined, addFault({ method: 'GET', path: '/admin/workspaces', status: 500, times: 2, headers }))
  t.same(added.body.rule.headers, headers, 'listed as given')

  t.type(await failure(sdk(base, DEV.admin).admin.workspaces.list({})), InternalServerError)
  t.same((await journal(app, 'path=/admin/workspaces')).data.map((entry: { status: number }) => entry.status), [500], 'one try, no retry')

  const answer = await fetch(`${base}/v1/admin/workspaces`, { headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(answer.status, 500)
  t.equal(answer.headers.get('x-portkey-request-id'), 'req-1')
  t.equal(answer.headers.get('x-portkey-gateway-exception'), 'true')
  t.equal(answer.headers.get('x-note'), 'a b\tc')
  t.equal(answer.headers.get('x-portkey-mock-fault'), String(added.body.id))
  t.same(await answer.json(), { success: false, data: { message: 'Internal Server Error', errorCode: 'AB04' } })
  t.match((await call(app, undefined, { url: '/__mock/faults' })).body.data, [{ matched: 2, fired: 2 }])
  t.equal((await call(app, DEV.admin, { url: '/admin/workspaces' })).headers['x-portkey-request-id'], undefined, 'spent: the route\'s own answer carries none')
})

t.test('matching by caller key; latency alone lets the request through late; a drop closes the connection', async t => {
  const app = await build(t)
  const base = await listen(app)
  await call(app, undefined, addFault({ path: '/**', status: 403, api_key_id: SEED.apiKeys.workspaceService }))
  const forbidden = await call(app, DEV.workspace, { url: '/api-keys' })
  t.equal(forbidden.status, 403)
  t.notOk('retry-after' in forbidden.headers, 'a status no client retries carries no Retry-After')
  t.equal((await call(app, DEV.admin, { url: '/api-keys' })).status, 200, 'another caller is not affected')
  await call(app, undefined, { method: 'DELETE', url: '/__mock/faults' })
  t.equal((await call(app, DEV.workspace, { url: '/api-keys' })).status, 200, 'cleared')

  await call(app, undefined, addFault({ method: 'POST', path: '/api-keys/**', status: 503 }))
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.sharedCi}` })).status, 200, 'another method is not affected')
  const unavailable = await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${SEED.apiKeys.sharedCi}/rotate` })
  t.equal(unavailable.status, 503)
  t.equal(unavailable.headers['retry-after'], '1', 'Retry-After is 1 s when the rule gives none')
  await call(app, undefined, { method: 'DELETE', url: '/__mock/faults' })

  await call(app, undefined, addFault({ path: '/configs', latency_ms: 150 }))
  const started = Date.now()
  t.equal((await call(app, DEV.admin, { url: '/configs' })).status, 200)
  t.ok(Date.now() - started >= 140, 'delayed')

  await call(app, undefined, addFault({ path: '/admin/users', drop: true, times: 3 }))
  await t.rejects(fetch(`${base}/v1/admin/users`, { headers: { 'x-portkey-api-key': DEV.admin } }), 'no answer at all')
  t.type(await failure(sdk(base, DEV.admin).admin.users.list({})), APIConnectionError, 'the SDK retries once, then raises a connection error')
  t.equal((await fetch(`${base}/v1/admin/users`, { headers: { 'x-portkey-api-key': DEV.admin } })).status, 200)
})

t.test('a seeded probability fires the same requests every run', async t => {
  const pattern = async () => {
    const app = await build(t)
    await call(app, undefined, addFault({ path: '/api-keys', status: 502, probability: 0.5, seed: 42 }))
    const statuses = []
    for (let i = 0; i < 40; i++) statuses.push((await call(app, DEV.admin, { url: '/api-keys' })).status)
    return statuses
  }
  const first = await pattern()
  t.same(await pattern(), first)
  const fired = first.filter(status => status === 502).length
  t.ok(fired > 8 && fired < 32, `about half fire (${fired} of 40)`)
})

t.test('bad rules are refused naming the field, and add nothing', async t => {
  const app = await build(t)
  const cases: [object, RegExp][] = [
    [{ path: '/api-keys' }, /needs status, latency_ms or drop/],
    [{ path: 'api-keys', status: 500 }, /body field path/],
    [{ path: '/x', status: 418 }, /body field status/],
    [{ path: '/x', status: 500, drop: true }, /body field drop/],
    [{ path: '/x', status: 500, retry_after: 5 }, /body field retry_after/],
    [{ path: '/x', status: 500, seed: 1 }, /body field seed/],
    [{ path: '/x', status: 500, probability: 1.5 }, /body field probability/],
    [{ path: '/x', status: 500, colour: 'red' }, /colour/],
    // A rule that no request could ever match.
    [{ path: '/api_keys', status: 503 }, /^Invalid body field path: matches none of Portkey's routes \(/],
    [{ path: '/v1/api-keys/*/rotate', method: 'GET', status: 503 }, /^Invalid body field path: matches none of Portkey's routes for GET/],
    [{ path: '/__mock/clock', status: 503 }, /^Invalid body field path: matches none of Portkey's routes \(a rule never applies to the stand-in's own\)/],
    [{ path: '/__mock/invites/*/accept', status: 503 }, /body field path: matches none/],
    [{ path: '/v1', status: 503 }, /body field path: matches none/],
    [{ path: '/api-keys', latency_ms: 5, headers: { 'x-a': '1' } }, /^Invalid body field headers: go with status/],
    [{ path: '/api-keys', status: 500, headers: { 'x a': '1' } }, /^Invalid body field headers\.x a: a header name is an HTTP token/],
    [{ path: '/api-keys', status: 500, headers: { ['x'.repeat(101)]: '1' } }, /^Invalid body field headers\.x{101}: a header name is an HTTP token of 1 to 100/],
    [{ path: '/api-keys', status: 500, headers: { 'Content-Length': '5' } }, /^Invalid body field headers\.Content-Length: is set by the stand-in: it frames the answer/],
    [{ path: '/api-keys', status: 502, headers: { 'Content-Type': 'text/html' } }, /^Invalid body field headers\.Content-Type: is set by the stand-in: it says the answer is JSON/],
    [{ path: '/api-keys', status: 500, headers: { 'x-portkey-mock-fault': '9' } }, /^Invalid body field headers\.x-portkey-mock-fault: is set by the stand-in/],
    [{ path: '/api-keys', status: 429, headers: { 'retry-after': '5' } }, /^Invalid body field headers\.retry-after: is set by the stand-in: it is given as retry_after/],
    [{ path: '/api-keys', status: 500, headers: { 'X-A': '1', 'x-a': '2' } }, /^Invalid body field headers\.x-a: is X-A again/],
    [{ path: '/api-keys', status: 500, headers: { 'x-a': 'line\nbreak' } }, /^Invalid body field headers\.x-a: must be text a header can carry: tabs and printable characters up to U\+00FF, no line break or other control character$/],
    [{ path: '/api-keys', status: 500, headers: { 'x-a': '\u0100' } }, /^Invalid body field headers\.x-a: must be text a header can carry/],
    [{ path: '/api-keys', status: 500, headers: { 'x-a': 5 } }, /^Invalid body field headers\.x-a: must be string/],
    [{ path: '/api-keys', status: 500, headers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`x-${i}`, '1'])) }, /^Invalid body field headers: must NOT have more than 10 properties/],
  ]
  for (const [payload, message] of cases) {
    const { status, body } = await call(app, undefined, addFault(payload))
    t.equal(status, 400, JSON.stringify(payload))
    t.match(body.data.message, message)
  }
  t.equal((await call(app, undefined, { url: '/__mock/faults' })).body.total, 0)
  t.equal((await call(app, DEV.admin, { url: '/__mock/faults' })).status, 200, 'faults never touch the /__mock routes')
})

t.test('a rule is taken when some request could match it, and fires through a doubled slash but never on a /__mock route', async t => {
  const app = await build(t)
  for (const path of ['/api-keys/c2a7e0b4-1f3d-4e5a-8b6c-000000000001', '/api-*', '/admin/**', '/configs/*/versions', '/api-keys/', '//admin/users']) {
    t.equal((await call(app, undefined, addFault({ path, latency_ms: 1 }))).status, 200, path)
  }
  await call(app, undefined, { method: 'DELETE', url: '/__mock/faults' })
  const everywhere = (await call(app, undefined, addFault({ path: '/**', status: 503 }))).body
  // A base URL given with a trailing slash: the router serves `/v1//api-keys` as `/v1/api-keys`.
  const doubled = await call(app, DEV.admin, { url: '/v1//api-keys' })
  t.equal(doubled.status, 503, 'a doubled slash is the path it is served as')
  t.equal(doubled.headers['x-portkey-mock-fault'], String(everywhere.id))
  // Accepting an invite is authenticated as Portkey's routes are, but is the stand-in's own.
  const accepted = await call(app, DEV.admin, { method: 'POST', url: `/__mock/invites/${SEED.invites.dave}/accept` })
  t.equal(accepted.status, 200, 'the invite is accepted, /** notwithstanding')
  const escaped = await call(app, DEV.admin, { method: 'POST', url: `/%5F%5Fmock/invites/${SEED.invites.dave}/accept` })
  t.not(escaped.status, 503, 'nor through a path that escapes the route\'s characters')
  t.equal(escaped.headers['x-portkey-mock-fault'], undefined)
  t.match((await call(app, undefined, { url: '/__mock/faults' })).body, { data: [{ matched: 1, fired: 1 }] })
})

t.test('a path pattern is matched segment by segment: globs within one, ** for whole ones, and no pattern can stall the server', async t => {
  const app = await build(t)
  const fires = async (path: string, url: string) => {
    const rule = (await call(app, undefined, addFault({ path, status: 503 }))).body
    const { status } = await call(app, DEV.admin, { url })
    await call(app, undefined, { method: 'DELETE', url: `/__mock/faults/${rule.id}` })
    return status === 503
  }
  const key = `/v1/api-keys/${SEED.apiKeys.admin}`
  const cases: [string, string, boolean][] = [
    ['/api-keys/c2a7e0b4-*', key, true],
    ['/api-keys/*-000000000001', key, true],
    ['/api-keys/*-000000000002', key, false],
    ['/api-keys*', '/v1/api-keys', true],
    ['/admin/*s*', '/v1/admin/users', true],
    ['/api-keys/**', '/v1/api-keys', true],
    ['/**/users', '/v1/admin/users', true],
    ['/**/users', '/v1/admin/users/invites', false],
    ['/api-keys/', '/api-keys', true],
    ['/v1/admin/*', '/admin/workspaces', true],
  ]
  for (const [path, url, expected] of cases) t.equal(await fires(path, url), expected, `${path} on ${url}`)
  const refused = await call(app, undefined, addFault({ path: '/api-**', status: 503 }))
  t.equal(refused.body.data.message, 'Invalid body field path: ** stands alone between slashes, for any number of whole segments')

  // Globs that a regular expression would try every way of (minutes of the one thread), and a rule
  // of many **s that matches no route: each answered as soon as any other.
  t.equal((await call(app, undefined, addFault({ path: `/api-keys/${'a*'.repeat(20)}b`, status: 503 }))).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/v1/api-keys/${'a'.repeat(60)}` })).status, 400, 'an id of as, checked past the rule')
  t.equal((await call(app, undefined, addFault({ path: `${'/**'.repeat(300)}/a/b/c/d/e/f/g/h`, status: 503 }))).status, 400)
})

t.test('workers sharing a server each remove their own rule by id, and leave the others\'', async t => {
  const app = await build(t)
  const mine = (await call(app, undefined, addFault({ path: '/api-keys', status: 503, api_key_id: SEED.apiKeys.admin }))).body
  const theirs = (await call(app, undefined, addFault({ path: '/api-keys', status: 429, api_key_id: SEED.apiKeys.workspaceService }))).body
  t.equal((await call(app, DEV.admin, { url: '/api-keys' })).status, 503)

  const removed = await call(app, undefined, { method: 'DELETE', url: `/__mock/faults/${mine.id}` })
  t.equal(removed.status, 200)
  t.same(removed.body, { id: mine.id, rule: mine.rule, matched: 1, fired: 1 }, 'answered as it stood, with its counts')
  t.equal((await call(app, DEV.admin, { url: '/api-keys' })).status, 200, 'mine no longer fires')
  t.equal((await call(app, DEV.workspace, { url: '/api-keys' })).status, 429, 'theirs still does')
  t.match((await call(app, undefined, { url: '/__mock/faults' })).body, { total: 1, data: [{ id: theirs.id }] })

  const again = await call(app, undefined, { method: 'DELETE', url: `/__mock/faults/${mine.id}` })
  t.equal(again.status, 404)
  t.same(again.body.data, { errorCode: 'AB08', message: `No fault rule ${mine.id}` })
  for (const id of ['0', '1.5', 'one']) {
    const bad = await call(app, undefined, { method: 'DELETE', url: `/__mock/faults/${id}` })
    t.equal(bad.status, 400, id)
    t.match(bad.body.data.message, /^Invalid path parameter id/)
  }
  t.equal((await call(app, undefined, { url: '/__mock/faults' })).body.total, 1, 'a refused removal removes nothing')
})
