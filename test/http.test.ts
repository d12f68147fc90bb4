import { once } from 'node:events'
import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { build, DEV, listen } from './helper.js'

// What Node's HTTP layer answers by itself is answered in Portkey's envelope too, with the status
// HTTP prescribes, and no body where HTTP forbids one.

interface Answer { status: number, headers: string, body: string, ms: number }

async function raw (base: string, request: string, { end = true } = {}): Promise<Answer> {
  const url = new URL(base)
  const socket = connect(Number(url.port), url.hostname)
  let text = ''
  socket.setEncoding('latin1').on('data', chunk => { text += chunk }).on('error', () => {})
  const start = Date.now()
  if (end) socket.end(request)
  else socket.write(request)
  const guard = setTimeout(() => socket.destroy(), 10_000)
  await once(socket, 'close')
  clearTimeout(guard)
  const [headers, body = ''] = text.split('\r\n\r\n')
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(headers)?.[1]), headers, body, ms: Date.now() - start }
}

function enveloped (t: Test, answer: Answer, status: number, errorCode: string, message: RegExp) {
  t.equal(answer.status, status)
  t.match(answer.headers, /\r\ncontent-type: application\/json/i)
  const body = JSON.parse(answer.body)
  t.same(Object.keys(body), ['success', 'data'])
  t.equal(body.data.errorCode, errorCode)
  t.match(body.data.message, message)
}

const many = Array.from({ length: 1000 }, (_, i) => `x-h${i}: v`).join('\r\n')

t.test('HTTP/1.1 without Host is a 400 in the envelope; HTTP/1.0 needs none', async t => {
  const base = await listen(await build(t))
  enveloped(t, await raw(base, 'GET /__mock/health HTTP/1.1\r\n\r\n'), 400, 'AB01', /Missing Host header/)
  enveloped(t, await raw(base, `GET /api-keys HTTP/1.1\r\nx-portkey-api-key: ${DEV.admin}\r\n\r\n`), 400, 'AB01', /Missing Host header/)
  enveloped(t, await raw(base, `GET /__mock/health HTTP/1.1\r\n${many}\r\nHost: x\r\n\r\n`), 400, 'AB01', /Missing Host header/)
  t.equal((await raw(base, 'GET /__mock/health HTTP/1.0\r\n\r\n')).status, 200)
})

t.test('a gzipped JSON body is a 415 naming its coding', async t => {
  const base = await listen(await build(t))
  const answer = await fetch(`${base}/v1/api-keys/organisation/service`, {
    method: 'POST',
    headers: { 'x-portkey-api-key': DEV.admin, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(JSON.stringify({ name: 'x', scopes: [] })),
  })
  t.equal(answer.status, 415)
  t.same(await answer.json(), { success: false, data: { message: 'Unsupported Media Type: a body must be sent uncompressed, not with Content-Encoding "gzip"', errorCode: 'AB01' } })
})

t.test('a JSON body whose bytes are not UTF-8 is a 400 that says so, and nothing is made; UTF-8 split across packets is kept whole', async t => {
  const app = await build(t)
  const base = await listen(app)
  const admin = { 'x-portkey-api-key': DEV.admin }
  const total = async () => ((await (await fetch(`${base}/v1/api-keys`, { headers: admin })).json()) as { total: number }).total
  const before = await total()
  for (const type of ['application/json', 'application/json; charset=iso-8859-1']) {
    const refused = await fetch(`${base}/v1/api-keys/organisation/service`, {
      method: 'POST',
      headers: { ...admin, 'content-type': type },
      body: Buffer.from('{"name":"caf\xe9","scopes":["completions.write"]}', 'latin1'),
    })
    t.equal(refused.status, 400, type)
    t.same(await refused.json(), { success: false, data: { message: 'Invalid body: not UTF-8, which JSON must be', errorCode: 'AB01' } })
  }
  t.equal(await total(), before, 'no key made')
  t.same(app.journal.list({ method: 'POST' })[0].request.body, { text: '{"name":"caf\ufffd","scopes":["completions.write"]}' }, 'the journal keeps what was sent, as far as it reads')

  const body = Buffer.from('{"name":"café 🔑","scopes":["completions.write"]}')
  const cut = body.indexOf('é') + 1
  const head = `POST /v1/api-keys/organisation/service HTTP/1.1\r\nHost: x\r\nx-portkey-api-key: ${DEV.admin}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
  const url = new URL(base)
  const socket = connect(Number(url.port), url.hostname)
  let text = ''
  socket.setEncoding('utf8').on('data', chunk => { text += chunk })
  await once(socket, 'connect')
  socket.write(Buffer.concat([Buffer.from(head), body.subarray(0, cut)]))
  await new Promise(resolve => setTimeout(resolve, 50))
  socket.end(body.subarray(cut))
  await once(socket, 'close')
  const made = JSON.parse(text.split('\r\n\r\n')[1])
  const read = await (await fetch(`${base}/v1/api-keys/${made.id}`, { headers: admin })).json() as { name: string }
  t.equal(read.name, 'café 🔑')
})

t.test('an Expect other than 100-continue is a 417 in the envelope', async t => {
  const base = await listen(await build(t))
  enveloped(t, await raw(base, 'GET /__mock/health HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n'), 417, 'AB01', /Expect/)
  const body = '{"name":"k","scopes":[]}'
  const continued = await raw(base, `POST /api-keys/organisation/service HTTP/1.1\r\nHost: x\r\nx-portkey-api-key: ${DEV.admin}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n${body}`)
  t.match(continued.headers, /^HTTP\/1\.1 100 Continue/, '100-continue still works')
})

t.test('CONNECT is an unknown method, answered, not a dropped socket', async t => {
  const base = await listen(await build(t))
  enveloped(t, await raw(base, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'), 404, 'AB08', /No route for CONNECT/)
})

t.test('over the header limit, which counts the request line, a 431 in the envelope (without a body for a HEAD)', async t => {
  const base = await listen(await build(t))
  const head = await raw(base, `HEAD /__mock/health HTTP/1.1\r\nHost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.equal(head.status, 431)
  t.match(head.headers, /content-type: application\/json/i)
  t.equal(head.body, '')
  enveloped(t, await raw(base, `GET /__mock/health HTTP/1.1\r\nHost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'AB01', /too large/)
  // Node counts the request line too: a long query string is named with the headers.
  enveloped(t, await raw(base, `GET /api-keys?name=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`), 431, 'AB01', /^Request headers too large: the request line \(path and query\) and headers may take 16384 bytes$/)
})

t.test('slow headers and a stalled body time out with a 408 in the envelope', async t => {
  const base = await listen(await build(t, { config: { headersTimeout: 300, requestTimeout: 600 } }))
  const slowloris = await raw(base, 'GET /__mock/health HTTP/1.1\r\nHost: x\r\nx-a: 1\r\n', { end: false })
  enveloped(t, slowloris, 408, 'AB01', /timed out/)
  t.ok(slowloris.ms < 5000, `answered in ${slowloris.ms} ms`)
  const stalled = await raw(base, `POST /api-keys/organisation/service HTTP/1.1\r\nHost: x\r\nx-portkey-api-key: ${DEV.admin}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":', { end: false })
  enveloped(t, stalled, 408, 'AB01', /timed out/)
  t.ok(stalled.ms >= 500 && stalled.ms < 5000, `the body was given the request timeout: ${stalled.ms} ms`)
})

t.test('a request whose headers end while the server closes is still answered as Portkey answers, not with the framework\'s 503', async t => {
  const app = await build(t)
  const url = new URL(await listen(app))
  const socket = connect(Number(url.port), url.hostname)
  await once(socket, 'connect')
  let text = ''
  socket.setEncoding('latin1').on('data', chunk => { text += chunk })
  socket.write(`GET /v1/api-keys?page_size=1 HTTP/1.1\r\nHost: x\r\nx-portkey-api-key: ${DEV.admin}\r\n`)
  await new Promise(resolve => setTimeout(resolve, 50))
  const closing = app.close()
  socket.end('\r\n')
  await once(socket, 'close')
  await closing
  const [headers, body = ''] = text.split('\r\n\r\n')
  t.match(headers, /^HTTP\/1\.1 200 /)
  const page = JSON.parse(body)
  t.same([page.object, page.data.length], ['list', 1])
})

t.test('a trailing slash is ignored, as a doubled one is', async t => {
  const app = await build(t)
  const get = async (url: string) => (await app.inject({ url, headers: { 'x-portkey-api-key': DEV.admin } })).body
  const page = await get('/v1/api-keys')
  t.match(page, /^\{"total":/)
  for (const url of ['/v1/api-keys/', '/api-keys/', '/v1//api-keys/']) t.equal(await get(url), page, url)
})
