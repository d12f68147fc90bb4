import { connect } from 'node:net'
import { once } from 'node:events'
import t from 'tap'
import { build, call, DEV, listen, SEED } from './helper.js'

t.test('an unknown route is a 404 in the envelope', async t => {
  const app = await build(t)
  for (const url of ['/nope', '/v1/virtual-keys', '/v2/api-keys', `/api-keys/${SEED.apiKeys.admin}/extra`]) {
    const { status, body, headers } = await call(app, DEV.admin, { url })
    t.equal(status, 404, url)
    t.match(headers['content-type'], /^application\/json/)
    t.equal(body.success, false)
    t.equal(body.data.errorCode, 'AB08')
  }
  const long = `/nope/${'x'.repeat(300)}`
  for (const path of ['/nope', long]) {
    t.equal((await call(app, DEV.admin, { url: `${path}?secret=${'y'.repeat(50)}` })).body.data.message, `No route for GET ${path.slice(0, 200)}`,
      'the message names the path, cut at 200 characters, never its query')
  }
})

t.test('an unsupported method is a 404 in the envelope', async t => {
  const app = await build(t)
  for (const method of ['PATCH', 'HEAD', 'OPTIONS'] as const) {
    const response = await app.inject({ method, url: '/api-keys', headers: { 'x-portkey-api-key': DEV.admin } })
    t.equal(response.statusCode, 404, method)
    if (method !== 'HEAD') t.equal(response.json().data.errorCode, 'AB08')
  }
})

t.test("a browser's preflight is no route either: no CORS", async t => {
  const app = await build(t)
  const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/api-keys', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' } })
  t.equal(preflight.statusCode, 404)
  const read = await call(app, DEV.admin, { url: '/v1/api-keys', headers: { origin: 'http://localhost:3000' } })
  t.equal(read.status, 200)
  t.same([...Object.keys(preflight.headers), ...Object.keys(read.headers)].filter(name => name.startsWith('access-control-')), [])
})

// Fastify reads no body on GET, so the body's failure paths are reached with a POST.
const post = { method: 'POST' as const, url: '/api-keys', headers: { 'content-type': 'application/json' } }

t.test('Content-Type: application/json with no body is fine; a malformed body is a 400', async t => {
  const app = await build(t)
  const empty = await call(app, DEV.admin, { url: '/api-keys', headers: { 'content-type': 'application/json' } })
  t.equal(empty.status, 200)
  const emptyPost = await call(app, DEV.admin, { ...post, payload: '' })
  t.equal(emptyPost.status, 404, 'an empty JSON body is no body: the request reaches routing')
  // The message is JSON.parse's own, which says where (later V8s add the line and column).
  for (const [payload, reason] of [['{"oops', 'Unterminated string in JSON at position 6'], ['{"name": "ci",}', 'Expected double-quoted property name in JSON at position 14']]) {
    const malformed = await call(app, DEV.admin, { ...post, payload })
    t.same([malformed.status, malformed.body.data.errorCode], [400, 'AB01'], payload)
    t.ok(malformed.body.data.message.startsWith(`Invalid body: not JSON: ${reason}`), malformed.body.data.message)
  }
  for (const [request, what] of [[{ ...post, payload: '' }, 'an empty one'], [{ ...post, payload: 'null' }, 'null'], [{ method: 'POST' as const }, 'none sent']] as const) {
    const none = await call(app, DEV.admin, { ...request, url: '/api-keys/organisation/service' })
    t.same([none.status, none.body.data.message], [400, 'Missing body: a JSON object'], `no body: ${what}`)
  }
  for (const payload of ['[]', '"name"', '5']) {
    const notObject = await call(app, DEV.admin, { ...post, url: '/api-keys/organisation/service', payload })
    t.same([notObject.status, notObject.body.data.message], [400, 'Invalid body: must be object'], `a body of ${payload}`)
  }
  for (const payload of ['{"__proto__": {"x": 1}}', '{"name": "ci", "constructor": {"prototype": {"x": 1}}}']) {
    const poisoned = await call(app, DEV.admin, { ...post, payload })
    t.same([poisoned.status, poisoned.body.data.message], [400, 'Invalid body: a __proto__ key, or a constructor key holding prototype, is refused'], `prototype poisoning is refused by the parser: ${payload}`)
  }
})

t.test('an oversized body is a 413 in the envelope, never a 5xx', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, { ...post, payload: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) })
  t.equal(status, 413)
  t.equal(body.success, false)
  t.equal(body.data.errorCode, 'AB01')
})

t.test('an unexpected failure is a 500 AB04 whose message hides the cause', async t => {
  const app = await build(t)
  app.store.db.close() // every query now throws inside the handler
  const { status, body } = await call(app, DEV.admin, { url: '/api-keys' })
  t.equal(status, 500)
  t.same(body, { success: false, data: { message: 'Internal Server Error', errorCode: 'AB04' } })
})

t.test('requests Node cannot parse as HTTP are answered in the envelope too', async t => {
  const url = new URL(await listen(await build(t)))
  const raw = async (request: string) => {
    const socket = connect(Number(url.port), url.hostname)
    socket.end(request)
    let answer = ''
    socket.setEncoding('utf8').on('data', chunk => { answer += chunk })
    await once(socket, 'close')
    return answer
  }
  const malformed = await raw('GET /api-keys HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
  t.match(malformed, /^HTTP\/1\.1 400 /)
  t.same(JSON.parse(malformed.split('\r\n\r\n')[1]), { success: false, data: { message: 'Malformed HTTP request', errorCode: 'AB01' } })
  const huge = await raw(`GET /api-keys HTTP/1.1\r\nHost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(huge, /^HTTP\/1\.1 431 /)
  t.equal(JSON.parse(huge.split('\r\n\r\n')[1]).data.errorCode, 'AB01')
})
