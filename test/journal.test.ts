import { request } from 'node:http'
import t from 'tap'
import Fastify from 'fastify'
import { contentLengthOf, Journal } from '../src/journal.js'
import { build, call, DEV, listen, SEED, sdk } from './helper.js'

const journal = (app: Awaited<ReturnType<typeof build>>, query = '') => call(app, undefined, { url: `/__mock/requests${query}` })

t.test('the journal: newest first, what was sent and answered, every secret masked', async t => {
  const app = await build(t)
  const created = (await call(app, DEV.admin, { method: 'POST', url: '/v1/api-keys/organisation/service', payload: { name: 'j', scopes: [] } })).body
  await call(app, created.key, { url: '/v1/api-keys?page_size=2' })
  await call(app, DEV.admin, { url: '/v1/api-keys?page_size=0' })
  await call(app, undefined, { url: '/__mock/clock' })

  const { status, body } = await journal(app)
  t.equal(status, 200)
  t.equal(body.total, 3, 'the /__mock routes are not journalled')
  const [bad, listed, made] = body.data
  t.match(bad, { id: 3, method: 'GET', path: '/v1/api-keys', query: 'page_size=0', status: 400, api_key_id: SEED.apiKeys.admin, operation_id: 'listApiKeys' })
  t.equal(bad.response.body.data.errorCode, 'AB01')
  t.match(listed, { status: 403, api_key_id: created.id })
  t.match(made, { method: 'POST', status: 200, operation_id: 'createApiKey', request: { body: { name: 'j', scopes: [] } } })
  t.equal(made.request.headers['x-portkey-api-key'], `${DEV.admin.slice(0, 2)}*****${DEV.admin.slice(-3)}`, 'the caller\'s secret, masked')
  t.equal(made.response.body.key, `${created.key.slice(0, 2)}*****${created.key.slice(-3)}`, 'the secret create answered, masked')
  t.same([bad, listed].map(entry => entry.request.headers['x-portkey-api-key']), [DEV.admin, created.key].map(key => `${key.slice(0, 2)}*****${key.slice(-3)}`),
    'each request\'s own headers, though the ones before differed')
  const text = JSON.stringify(body)
  t.notMatch(text, DEV.admin, 'no secret anywhere in it')
  t.notMatch(text, created.key)
})

t.test("the stand-in's own routes are not journalled, however their path is written", async t => {
  const app = await build(t)
  const url = new URL(await listen(app))
  // Raw paths, as a client whose base URL ends in a slash, or that escapes a character, sends them.
  const get = (path: string) => new Promise<number | undefined>((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path, headers: { 'x-portkey-api-key': DEV.admin } }, response => resolve(response.resume().statusCode))
      .on('error', reject).end()
  })
  for (const path of ['//__mock/clock', '/%5F%5Fmock/clock', '/__mock//clock', '//v1/api-keys', '/v1/api%2Dkeys']) t.equal(await get(path), 200, path)
  t.equal(await get('/__mockery'), 404, 'a path that only begins as theirs do')
  t.same((await journal(app)).body.data.map((entry: { path: string }) => entry.path), ['/__mockery', '/v1/api%2Dkeys', '//v1/api-keys'], 'only the requests to Portkey\'s routes, and to none')
})

t.test('a body refused as not JSON, or not sent as JSON, is kept as its text, and a JSON value that is not an object as {value}, as answers are', async t => {
  const app = await build(t)
  const post = (payload: string) => call(app, DEV.admin, { method: 'POST', url: '/v1/api-keys/organisation/service', headers: { 'content-type': 'application/json' }, payload })
  const deep = `${'['.repeat(70)}${']'.repeat(70)}`
  for (const payload of ['{"name": "ci",}', '[1, 2]', '"ci"', deep, '{"name": "ok", "scopes": []}']) t.equal((await post(payload)).status, payload.startsWith('{"name": "ok"') ? 200 : 400, payload.slice(0, 20))
  // JSON sent as fetch sends a string without a type: a 415, its text kept as well.
  t.equal((await call(app, DEV.admin, { method: 'POST', url: '/v1/api-keys/organisation/service', headers: { 'content-type': 'text/plain;charset=UTF-8' }, payload: '{"name": "typed"}' })).status, 415)
  await call(app, DEV.admin, { url: '/v1/api-keys' })
  const bodies = (await journal(app)).body.data.map((entry: { request: { body: unknown } }) => entry.request.body).reverse()
  t.same(bodies, [{ text: '{"name": "ci",}' }, { value: [1, 2] }, { value: 'ci' }, { text: deep }, { name: 'ok', scopes: [] }, { text: '{"name": "typed"}' }, null])
})

t.test('each entry names the operation its request reached, whether refused before its route\'s own hook ran or after', async t => {
  const app = await build(t)
  await call(app, undefined, { method: 'POST', url: '/__mock/faults', payload: { method: 'GET', path: '/v1/admin/workspaces', status: 503, times: 1 } })
  const sent = [
    [DEV.admin, `/v1/api-keys/${SEED.apiKeys.sharedCi}`, 200, 'retrieveApiKey'],
    ['unknown-secret-value', `/v1/api-keys/${SEED.apiKeys.sharedCi}`, 401, 'retrieveApiKey'],
    [DEV.workspace, '/v1/api-keys?workspace_id=nowhere', 403, 'listApiKeys'],
    [DEV.admin, '/v1/admin/workspaces', 503, 'listWorkspaces'],
    [DEV.admin, '/v1/no-such-route', 404, null],
    [DEV.admin, `/v1/api-keys/${SEED.apiKeys.sharedCi}`, 200, 'retrieveApiKey'],
  ] as const
  for (const [key, url, status] of sent) t.equal((await call(app, key, { url })).status, status, url)
  const entries = (await journal(app)).body.data.reverse()
  t.same(entries.map((entry: { status: number, operation_id: string | null }) => [entry.status, entry.operation_id]), sent.map(([, , status, operation]) => [status, operation]))
})

t.test('no credential is kept: the key masked, every line of it; authorization and cookies replaced', async t => {
  const app = await build(t)
  const url = new URL(await listen(app))
  // Sent as raw lines, so that the key's header comes twice: no client joins them on the way.
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const lines = ['Host', url.host, 'x-portkey-api-key', DEV.admin, 'X-Portkey-Api-Key', DEV.workspace, 'Authorization', 'Bearer sk-top-secret', 'cookie', 'session=hunter2']
    request({ host: url.hostname, port: url.port, path: '/v1/api-keys', headers: lines }, response => resolve(response.resume().statusCode))
      .on('error', reject).end()
  })
  t.equal(status, 401, 'two keys in one request are no key')
  const [entry] = (await journal(app)).body.data
  const masked = (secret: string) => `${secret.slice(0, 2)}*****${secret.slice(-3)}`
  t.equal(entry.request.headers['x-portkey-api-key'], `${masked(DEV.admin)}, ${masked(DEV.workspace)}`, 'each line masked, repeats joined')
  t.equal(entry.request.headers.authorization, '[redacted]')
  t.equal(entry.request.headers.cookie, '[redacted]')
  const text = JSON.stringify(entry)
  for (const secret of [DEV.admin, DEV.workspace, 'sk-top-secret', 'hunter2']) t.notMatch(text, secret)
})

t.test('filters by method, path, status, caller and operation; paging; clearing', async t => {
  const app = await build(t)
  await call(app, DEV.admin, { url: '/api-keys' })
  await call(app, DEV.workspace, { url: `/api-keys/${SEED.apiKeys.sharedCi}` })
  await call(app, DEV.admin, { method: 'POST', url: '/admin/workspaces', payload: { name: 'w' } })
  await call(app, 'unknown-secret-value', { url: '/api-keys' })
  await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${SEED.apiKeys.sharedCi}/rotate` })
  const ids = async (query: string) => (await journal(app, `?${query}`)).body.data.map((e: { id: number }) => e.id)
  t.same(await ids('method=POST'), [5, 3])
  t.same(await ids('path=workspaces'), [3])
  t.same(await ids('status=401'), [4])
  t.same(await ids(`api_key_id=${SEED.apiKeys.workspaceService}`), [2])
  // A path matches the routes under it too; an operation, only its own.
  t.same(await ids(`path=/api-keys/${SEED.apiKeys.sharedCi}`), [5, 2])
  t.same(await ids('operation_id=retrieveApiKey'), [2])
  t.same(await ids('operation_id=listApiKeys'), [4, 1], 'a request refused before its route ran is named by its route all the same')
  t.same(await ids('operation_id=deleteConfig'), [])
  t.match((await journal(app, '?operation_id=rotateKey')).body, { data: { message: 'Invalid query parameter operation_id: "rotateKey" is not one of the values the contract allows' } })
  await call(app, DEV.admin, { method: 'POST', url: '/__mock/reset' })
  t.same(await ids('page_size=2&current_page=1'), [3, 2])
  t.equal((await journal(app, '?status=99')).status, 400)
  t.equal((await call(app, undefined, { method: 'DELETE', url: '/__mock/requests' })).status, 200)
  t.equal((await journal(app)).body.total, 0)
})

t.test('bounded: the oldest entries are dropped; size 0 keeps none', async t => {
  const app = await build(t, { config: { journalSize: 3 } })
  for (let i = 0; i < 5; i++) await call(app, DEV.admin, { url: `/api-keys?page_size=${i + 1}` })
  t.same((await journal(app)).body.data.map((e: { id: number, query: string }) => [e.id, e.query]), [[5, 'page_size=5'], [4, 'page_size=4'], [3, 'page_size=3']])
  const none = await build(t, { config: { journalSize: 0 } })
  await call(none, DEV.admin, { url: '/api-keys' })
  t.equal((await journal(none)).body.total, 0)
})

t.test('what the SDK sent over HTTP, as it sent it', async t => {
  const app = await build(t)
  const portkey = sdk(await listen(app), DEV.admin)
  await portkey.apiKeys.list({ workspace_id: SEED.workspaces.shared.slug })
  const [entry] = (await journal(app)).body.data
  t.match(entry, { method: 'GET', path: '/v1/api-keys', query: `workspace_id=${SEED.workspaces.shared.slug}`, status: 200 })
  t.match(entry.request.headers, { 'x-portkey-runtime': /.+/, 'content-type': 'application/json' }, 'the SDK\'s own headers')
})

t.test('how long a request took: from its arrival to its answer sent, however long after it the journal is read', async t => {
  const app = await build(t)
  const base = await listen(app)
  await call(app, undefined, { method: 'POST', url: '/__mock/faults', payload: { path: '/configs', latency_ms: 120, times: 1 } })
  t.equal((await fetch(`${base}/v1/configs`, { headers: { 'x-portkey-api-key': DEV.admin } })).status, 200)
  // Long enough that a slow machine's ~120 ms cannot be mistaken for the wait.
  await new Promise(resolve => setTimeout(resolve, 600))
  const [entry] = (await journal(app, '?path=/configs')).body.data
  t.ok(entry.duration_ms >= 115 && entry.duration_ms < 500, `delayed ~120 ms, not the 600 before the journal was read (${entry.duration_ms})`)
})

t.test('bounded by the bytes it keeps too: a few large answers push the oldest out', async t => {
  const journal = new Journal(100, 1000)
  const entry = (n: number) => ({
    at: 0, method: 'GET', url: `/api-keys?n=${n}`, status: 200, durationMs: 1, apiKeyId: null, operationId: null, headers: [], body: null,
    answer: JSON.stringify({ pad: 'x'.repeat(390) }), answerBytes: 400,
  })
  for (let n = 1; n <= 5; n++) journal.record(entry(n))
  t.same(journal.list({}).map(e => e.query), ['n=5', 'n=4'], 'two entries of 400-character ASCII answers fit in 1,000 bytes; a third would not')
  journal.record({ ...entry(6), answer: JSON.stringify({ pad: 'x'.repeat(5000) }), answerBytes: 5010 })
  t.same(journal.list({}).map(e => e.query), ['n=6'], 'one answer over the bound is still kept, alone')
})

t.test('an entry that would pass the end of the ring by one byte starts at its start, whole; one that would reach an older one by a byte drops it', async t => {
  // Entries of `room` bytes: a url of 9 characters and an ASCII answer of the rest, kept a byte a character.
  const entry = (n: number, room: number) => {
    const answer = JSON.stringify({ pad: 'x'.repeat(room - 9 - 10) })
    return { at: n, method: 'GET', url: `/x?n=${n}000`, status: 200, durationMs: 1, apiKeyId: null, operationId: null, headers: [], body: null, answer, answerBytes: answer.length }
  }
  const read = (journal: Journal) => journal.list({}).map(e => [e.query, (e.response.body.pad as string | undefined)?.length])

  const past = new Journal(100, 1000)
  past.record(entry(1, 500))
  past.record(entry(2, 501))
  t.same(read(past), [['n=2000', 482]], 'the second at the ring\'s start, its answer whole; the first dropped')

  const reaching = new Journal(100, 1000)
  for (const [n, room] of [[1, 400], [2, 400], [3, 200], [4, 401]]) reaching.record(entry(n, room))
  t.same(read(reaching), [['n=4000', 382], ['n=3000', 181]], 'the fourth, at the start, would overwrite the second\'s first byte')
  reaching.record(entry(5, 399))
  t.same(read(reaching), [['n=5000', 380], ['n=4000', 382], ['n=3000', 181]], 'one that ends where the next begins keeps it')
})

t.test('over hundreds of laps of the ring, where positions are counted again from the oldest entry\'s lap, each kept entry reads back whole', async t => {
  const journal = new Journal(3, 1000)
  const entry = (n: number, room: number) => {
    const answer = JSON.stringify({ pad: 'x'.repeat(room - 9 - 10) })
    return { at: n, method: 'GET', url: `/x?n=${String(n).padStart(4, '0')}`, status: 200, durationMs: 1, apiKeyId: null, operationId: null, headers: [], body: null, answer, answerBytes: answer.length }
  }
  const recorded: [string, number][] = []
  let wrong = 0
  for (let n = 1; n <= 3000; n++) {
    // Rooms of 100 to 499 bytes, and now and then one larger than the whole ring, kept alone.
    const room = n % 97 === 0 ? 1500 : 100 + (n * 37) % 400
    journal.record(entry(n, room))
    recorded.unshift([`n=${String(n).padStart(4, '0')}`, room - 19])
    const kept = journal.list({}).map(e => [e.query, (e.response.body.pad as string).length])
    if (JSON.stringify(kept) !== JSON.stringify(recorded.slice(0, kept.length)) || kept.length === 0) wrong++
  }
  t.equal(wrong, 0, 'after every one of 3,000 entries, the newest kept are the last recorded, their answers whole')
  t.equal(journal.list({}).length, 3, 'and the journal\'s size still bounds it')
})

t.test('each entry keeps its own header lines, though they begin as the last one\'s did', async t => {
  const journal = new Journal(10)
  const entry = (headers: string[]) => ({ at: 0, method: 'GET', url: '/x', status: 200, durationMs: 1, apiKeyId: null, operationId: null, headers, body: null, answer: '{}' })
  journal.record(entry(['host', 'a', 'x-extra', '1']))
  journal.record(entry(['host', 'a']))
  journal.record(entry(['host', 'a', 'x-extra', '1']))
  t.same(journal.list({}).map(e => e.request.headers), [{ host: 'a', 'x-extra': '1' }, { host: 'a' }, { host: 'a', 'x-extra': '1' }])
})

t.test('cleared, it forgets every entry, those still held back to be written with the rest', async t => {
  const app = await build(t)
  for (const count of [3, 40]) {
    for (let n = 1; n <= count; n++) await call(app, DEV.admin, { url: `/v1/api-keys?page_size=${n}` })
    t.equal((await call(app, undefined, { method: 'DELETE', url: '/__mock/requests' })).status, 200)
    t.same((await journal(app)).body.data, [], `${count} answered, then cleared`)
  }
  await call(app, DEV.admin, { url: '/v1/api-keys?page_size=7' })
  t.same((await journal(app)).body.data.map((entry: { query: string }) => entry.query), ['page_size=7'], 'and keeps what comes after')
})

t.test('kept as sent: text beyond ASCII, in the body, headers and answer, reads back the same', async t => {
  const journal = new Journal(10, 1024)
  const name = 'Équipe 研究 🚀'
  const answer = JSON.stringify({ name, emoji: '🚀'.repeat(40) })
  for (let n = 1; n <= 20; n++) {
    journal.record({
      at: n, method: 'PUT', url: `/api-keys/x?n=${n}`, status: 200, durationMs: 1.5, apiKeyId: n % 2 ? 'k' : null, operationId: null,
      headers: ['x-note', name, 'x-list', 'a', 'X-List', 'b'], body: { name }, answer,
    })
  }
  const entries = journal.list({})
  t.ok(entries.length > 1 && entries.length < 10, `the byte bound holds before the count does (${entries.length} kept)`)
  t.same(entries.map(e => e.id), entries.map((_, i) => 20 - i), 'the newest, in order')
  for (const entry of entries) {
    t.same(entry.request, { headers: { 'x-note': name, 'x-list': 'a, b' }, body: { name } })
    t.same(entry.response.body, JSON.parse(answer))
    t.equal(entry.api_key_id, entry.id % 2 ? 'k' : null)
    t.equal(entry.duration_ms, 1.5)
  }
  journal.record({ at: 21, method: 'GET', url: '/api-keys', status: 200, durationMs: 2.9184623, apiKeyId: null, operationId: null, headers: [], body: undefined, answer: '{}' })
  t.equal(journal.list({})[0].duration_ms, 2.918, 'to the microsecond')
})

t.test('answers read back as given, whether kept as ASCII or as UTF-16, and whatever the sender counted', async t => {
  const journal = new Journal(20)
  const answers = [
    JSON.stringify({ name: 'plain ascii' }),
    JSON.stringify({ name: 'Équipe 研究 🔬' }),
    JSON.stringify({ name: 'ÿ, one byte a character in V8, two in UTF-8' }),
  ]
  for (const [n, answer] of answers.entries()) {
    for (const answerBytes of [Buffer.byteLength(answer), undefined]) {
      journal.record({ at: n, method: 'GET', url: `/x?n=${n}`, status: 200, durationMs: 1, apiKeyId: null, operationId: null, headers: [], body: null, answer, answerBytes })
    }
  }
  const read = journal.list({}).reverse().map(entry => entry.response.body)
  t.same(read, answers.flatMap(answer => [JSON.parse(answer), JSON.parse(answer)]))
})

t.test('url, body and answer read back as given, whichever of them holds text beyond latin1 (a url can hold such text only when given to record(): Node and light-my-request hand on latin1)', async t => {
  const journal = new Journal(50)
  const bodies = [null, { name: 'ascii' }, { name: 'Équipe ÿ' }, { name: '研究 🚀' }]
  const answers = [JSON.stringify({ id: 'ascii' }), JSON.stringify({ name: '🔬 Research' })]
  const urls = ['/api-keys?name=plain', '/api-keys?name=\u00e9t\u00e9', '/api-keys?name=\u7814\u7a76']
  const cases = urls.flatMap(url => bodies.flatMap(body => answers.map(answer => ({ url, body, answer }))))
  for (const [n, { url, body, answer }] of cases.entries()) {
    journal.record({ at: n, method: 'POST', url, status: 200, durationMs: 1, apiKeyId: null, operationId: null, headers: [], body, answer, answerBytes: Buffer.byteLength(answer) })
  }
  const read = journal.list({}).reverse()
  t.equal(read.length, cases.length)
  for (const [n, { url, body, answer }] of cases.entries()) {
    const [path, query] = url.split('?')
    t.same([read[n].path, read[n].query, read[n].request.body, read[n].response.body], [path, query, body, JSON.parse(answer)], JSON.stringify(cases[n]))
  }
})

t.test('an answer beyond ASCII is journalled as it was served', async t => {
  const app = await build(t)
  const served = await app.inject({ url: `/v1/admin/workspaces/${SEED.workspaces.research.id}`, headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(served.statusCode, 200)
  t.not(served.rawPayload.length, served.body.length, 'the seed\'s workspace answers text beyond ASCII')
  const { body } = await journal(app)
  t.same(body.data[0].response.body, served.json())
})

t.test('the journal reads the content-length Fastify counted where Fastify keeps it: a changed Fastify fails here, not by keeping every answer at twice the room', async t => {
  const app = Fastify()
  const read: [number, unknown][] = []
  app.get('/:name', async request => ({ name: (request.params as { name: string }).name }))
  app.addHook('onResponse', async (_request, reply) => { read.push([contentLengthOf(reply), reply.getHeader('content-length')]) })
  t.teardown(() => app.close())
  const sent: number[] = []
  for (const name of ['plain', encodeURIComponent('Équipe 🔬')]) sent.push((await app.inject({ url: `/${name}` })).rawPayload.length)
  t.same(read, sent.map(bytes => [bytes, String(bytes)]), 'the bytes sent, as reply.getHeader() reads them')
})
