// The package's import, as a Node test suite drives it: startMockServer() and each of its controls as
// a method call, against a server that listens. Bad input to a control is refused as its /__mock
// route refuses it (the route's message, naming the field) and changes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { RateLimitError } from 'portkey-ai/dist/src/error.js'
import t, { type Test } from 'tap'
import { ConfigError, FixtureError, PortkeyError, startMockServer, type MockServer } from '../src/index.js'
import { sdk } from './helper.js'

const HOUR = 3_600_000

async function started (t: Test, options: Parameters<typeof startMockServer>[0] = {}): Promise<MockServer> {
  const server = await startMockServer(options)
  t.teardown(() => server.close())
  return server
}

const adminOf = (server: MockServer) => server.keys.find(key => key.type === 'organisation-service')!.key

async function get (server: MockServer, path: string, key = adminOf(server)) {
  const response = await fetch(`${server.baseURL}${path}`, { headers: { 'x-portkey-api-key': key } })
  return { status: response.status, text: await response.text() }
}

async function createKey (server: MockServer, body: object, key = adminOf(server)) {
  const response = await fetch(`${server.baseURL}/api-keys/organisation/service`, {
    method: 'POST', headers: { 'x-portkey-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
  return await response.json() as { id: string, key: string }
}

t.test('reset, snapshot and restore give back the lists answered before, byte for byte', async t => {
  const server = await started(t)
  const first = (await get(server, '/api-keys')).text
  server.snapshot('clean')
  await createKey(server, { name: 'written', scopes: ['organisation_service_api_keys.list'] })
  t.not((await get(server, '/api-keys')).text, first)
  t.equal(server.restore('clean').name, 'clean')
  t.equal((await get(server, '/api-keys')).text, first)
  await createKey(server, { name: 'written again', scopes: ['organisation_service_api_keys.list'] })
  server.reset()
  t.equal((await get(server, '/api-keys')).text, first)

  server.snapshot('later')
  t.same(server.listSnapshots().map(taken => taken.name).sort(), ['clean', 'later'], 'listed')
  t.same(server.listSnapshots(), (await (await fetch(`${server.url}/__mock/snapshots`)).json() as { data: unknown[] }).data, 'as the route lists them')
  server.deleteSnapshot('clean')
  t.same(server.listSnapshots().map(taken => taken.name), ['later'], 'and one dropped')
  t.throws(() => { server.restore('clean') }, { statusCode: 404, message: 'No snapshot named clean' }, 'for good')
  t.throws(() => { server.deleteSnapshot('a/b') }, { statusCode: 400, message: /^Invalid path parameter name/ }, 'a bad name refused as the route refuses it')
})

t.test('the clock: set, advance past expires_at (the key expires, its secret is refused), freeze, real', async t => {
  const server = await started(t)
  server.clock.set('2030-01-01T00:00:00Z')
  t.equal(server.clock.now(), '2030-01-01T00:00:00.000Z')
  const key = await createKey(server, { name: 'short-lived', scopes: ['organisation_service_api_keys.list'], expires_at: '2030-01-01T01:00:00Z' })
  t.equal((await get(server, '/api-keys', key.key)).status, 200)
  server.clock.advance(2 * HOUR)
  t.equal(server.clock.now(), '2030-01-01T02:00:00.000Z')
  t.match(JSON.parse((await get(server, `/api-keys/${key.id}`)).text), { status: 'expired' })
  t.equal((await get(server, '/api-keys', key.key)).status, 401)

  server.clock.set(new Date(Date.UTC(2031, 0, 1)))
  t.equal(server.clock.now(), '2031-01-01T00:00:00.000Z', 'a Date is taken as well as its text')
  server.clock.set(runInNewContext('new Date(Date.UTC(2032, 0, 1))') as Date)
  t.equal(server.clock.now(), '2032-01-01T00:00:00.000Z', 'and a Date of another realm, as Jest\'s test files make')
  server.clock.real()
  t.ok(Math.abs(Date.parse(server.clock.now()) - Date.now()) < 1000, 'back to the machine\'s time')
  server.clock.freeze()
  const frozen = server.clock.now()
  await new Promise(resolve => setTimeout(resolve, 20))
  t.equal(server.clock.now(), frozen, 'frozen, it stands still')
})

t.test('a fault fires exactly N times, the SDK raises its error class, and the journal holds no secret', async t => {
  const server = await started(t)
  const admin = adminOf(server)
  const fault = server.faults.add({ path: '/api-keys', status: 429, times: 2 })
  const portkey = sdk(server.url, admin)
  for (let i = 0; i < 2; i++) t.type(await portkey.apiKeys.list({}).then(() => undefined, (error: unknown) => error), RateLimitError)
  t.match(await portkey.apiKeys.list({}), { object: 'list' }, 'the third goes through')
  t.match(server.faults.list(), [{ id: fault.id, matched: 3, fired: 2 }])

  const sent = server.requests.list({ path: '/api-keys' })
  t.same(sent.map(entry => entry.status), [200, 429, 429], 'newest first')
  const adminId = server.keys.find(key => key.key === admin)!.id
  t.same(server.requests.list({ api_key_id: adminId, status: 429 }).map(entry => entry.id), sent.slice(1).map(entry => entry.id), 'filtered as the route filters')
  t.same(server.requests.list({ api_key_id: server.keys.find(key => key.key !== admin)!.id }), [], 'no other caller')
  t.same(server.requests.list({ operation_id: 'listApiKeys' }), sent, 'by the operation reached')
  t.same(server.requests.list({ operation_id: 'retrieveApiKey' }), [])
  t.notOk(JSON.stringify(sent).includes(admin), 'no secret in the journal')
  const headers = { 'x-portkey-trace-id': 'trace-1' }
  const other = server.faults.add({ path: '/configs', status: 500, headers })
  headers['x-portkey-trace-id'] = 'changed after'
  t.equal((await fetch(`${server.url}/v1/configs`, { headers: { 'x-portkey-api-key': admin } })).headers.get('x-portkey-trace-id'), 'trace-1', 'a rule\'s header on its answer, as it was added')
  t.same(server.faults.list().find(kept => kept.id === other.id)?.rule.headers, { 'x-portkey-trace-id': 'trace-1' })
  t.match(server.faults.remove(fault.id), { id: fault.id, matched: 3, fired: 2 }, 'removed, as it stood')
  t.same(server.faults.list().map(kept => kept.id), [other.id], 'the other rule stays')
  server.faults.clear()
  server.requests.clear()
  t.same(server.faults.list(), [])
  t.same(server.requests.list(), [])
})

t.test('two organisations created at once never see each other\'s keys', async t => {
  const server = await started(t)
  const [one, two] = await Promise.all([server.createOrganisation(), server.createOrganisation()])
  t.not(one.id, two.id)
  const idsSeenBy = async (tenant: typeof one) =>
    (JSON.parse((await get(server, '/api-keys', tenant.api_keys[0].key)).text) as { data: { id: string }[] }).data.map(key => key.id)
  const [seenByOne, seenByTwo] = await Promise.all([idsSeenBy(one), idsSeenBy(two)])
  t.same(seenByOne.sort(), one.api_keys.map(key => key.id).sort())
  t.same(seenByTwo.sort(), two.api_keys.map(key => key.id).sort())
})

t.test('an organisation removed and a key exhausted without HTTP; refused as their routes refuse, with the route\'s status', async t => {
  const server = await started(t)
  const tenant = await server.createOrganisation()
  const [admin, worker] = tenant.api_keys
  t.equal((await get(server, '/api-keys', admin.key)).status, 200)

  const spent = await server.setApiKeyStatus(worker.id, 'exhausted')
  t.match(spent, { id: worker.id, status: 'exhausted' }, 'answers the key as it now reads')
  t.match(JSON.parse((await get(server, `/api-keys/${worker.id}`, admin.key)).text), { status: 'exhausted' }, 'and reads back so')
  t.match(await server.setApiKeyStatus(worker.id, 'active'), { status: 'active' }, 'and back')
  await t.rejects(server.setApiKeyStatus(worker.id, 'spent' as 'active'), { statusCode: 400, errorCode: 'AB01', message: /^Invalid body field status/ })
  await t.rejects(server.setApiKeyStatus('c2a7e0b4-1f3d-4e5a-8b6c-0000000000ff', 'exhausted'), { statusCode: 404, message: 'API key c2a7e0b4-1f3d-4e5a-8b6c-0000000000ff not found' })
  await t.rejects(server.createOrganisation({ nmae: 'x' } as never), { statusCode: 400, message: 'Unknown body field nmae' })

  await server.deleteOrganisation(tenant.id)
  t.equal((await get(server, '/api-keys', admin.key)).status, 401, 'its keys stop at once')
  const again = await server.deleteOrganisation(tenant.id).then(() => undefined, (error: unknown) => error)
  t.type(again, PortkeyError, 'a PortkeyError, exported')
  t.match(again, { name: 'PortkeyError', statusCode: 404, errorCode: 'AB08', message: `Organisation ${tenant.id} not found` })
  t.match((again as Error).stack, /^PortkeyError: Organisation /, 'named so in its stack, which test runners print')
  t.type(t.throws(() => server.faults.remove(99)), PortkeyError, 'as the controls that need no route throw')
})

t.test('once closed, the store controls refuse, those through a route too, and a file store stays let go', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-in-process-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'store.db')
  const server = await startMockServer({ db })
  server.snapshot('kept')
  await server.close()
  for (const [what, control] of [['reset', () => { server.reset() }], ['restore', () => server.restore('kept')], ['snapshot', () => server.snapshot('later')]] as const) {
    t.throws(control, { message: 'the store is closed, as its server is' }, what)
  }
  const admin = server.keys[0].id
  const routed: [string, () => Promise<unknown>][] = [
    ['createOrganisation', () => server.createOrganisation()],
    ['deleteOrganisation', () => server.deleteOrganisation(admin)],
    ['setApiKeyStatus', () => server.setApiKeyStatus(admin, 'exhausted')],
  ]
  for (const [what, control] of routed) {
    await t.rejects(control, { message: 'the store is closed, as its server is' }, what)
  }
  const next = await started(t, { db })
  t.equal((await get(next, '/api-keys')).status, 200, 'the next server takes the file')
})

t.test('deterministic servers fed the same requests answer the same', async t => {
  const answers = async () => {
    const server = await started(t, { deterministic: 7 })
    const created = await createKey(server, { name: 'same', scopes: ['organisation_service_api_keys.list'] })
    return [JSON.stringify(created), (await get(server, '/api-keys')).text]
  }
  t.same(await answers(), await answers())
})

t.test('a bad fixture file is refused with every problem named, before anything listens', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-in-process-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const seed = join(dir, 'bad.yaml')
  writeFileSync(seed, 'organisations:\n  - name: Bad\n    api_keys:\n      - { type: organisation-service, scopes: [not.a.scope] }\n')
  const error = await startMockServer({ seed }).then(() => undefined, (error: unknown) => error)
  t.type(error, FixtureError)
  t.match(error, { name: 'FixtureError', stack: /^FixtureError: the fixture has 2 problems/ })
  t.same((error as FixtureError).problems, ['organisations[0].api_keys[0]: missing name', 'organisations[0].api_keys[0].scopes[0]: unknown value "not.a.scope"'])
})

t.test('a port in use is refused in words, and the store is let go: the same file serves the next try, and only one server at a time', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-in-process-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'store.db')
  const taken = Number(new URL((await started(t)).url).port)
  await t.rejects(startMockServer({ db, port: taken }), { message: `cannot listen on 127.0.0.1:${taken}: the port is in use (by another server, or a portkey-mock still running); port: 0 picks a free one` })
  const next = await started(t, { db })
  t.equal((await get(next, '/api-keys')).status, 200, 'the file is free after the failed start')
  await t.rejects(startMockServer({ db }), { message: `cannot open the store ${db}: another server has it open (a store file serves one server at a time)` })
})

t.test('a bad option is refused as a ConfigError naming it, before anything listens', async t => {
  const error = await startMockServer({ port: 70000 }).then(() => undefined, (error: unknown) => error)
  t.type(error, ConfigError)
  t.match(error, { name: 'ConfigError', stack: /^ConfigError: Invalid configuration/ })
  t.match((error as Error).message, /^Invalid configuration:\n {2}port: must be <= 65535/)

  // What JavaScript lets through where TypeScript would not: a misspelt name, a value of another
  // type (the command line's text is coerced; an option is not), each problem listed.
  const options = { sed: 'fixtures.yaml', journal_size: 0, db: 5, deterministic: 'false', port: '8788' }
  const every = await startMockServer(options as never).then(() => undefined, (error: unknown) => error)
  t.type(every, ConfigError)
  t.equal((every as Error).message, [
    'Invalid configuration:',
    '  sed: not an option (seed, port, host, db, deterministic, adminToken, logLevel, journalSize)',
    '  journal_size: not an option (seed, port, host, db, deterministic, adminToken, logLevel, journalSize)',
    '  deterministic: must be boolean or integer',
    '  port: must be integer',
    '  db: must be string',
  ].join('\n'))
  const seed = await startMockServer({ deterministic: 1.5 }).then(() => undefined, (error: unknown) => error)
  t.equal((seed as Error).message, 'Invalid configuration:\n  deterministic: must be integer', 'a seed by the option\'s name')
})

t.test('journalSize bounds the journal, and 0 keeps none', async t => {
  const two = await started(t, { journalSize: 2 })
  for (let i = 0; i < 3; i++) t.equal((await get(two, '/api-keys')).status, 200)
  t.equal(two.requests.list().length, 2, 'the last two of three')
  const none = await started(t, { journalSize: 0 })
  t.equal((await get(none, '/api-keys')).status, 200)
  t.same(none.requests.list(), [], 'none kept')
})

t.test('bad input to a control is refused as its route refuses it, naming the field, and changes nothing', async t => {
  const server = await started(t)
  server.clock.set('2030-01-01T00:00:00Z')
  server.snapshot('kept')
  const rule = { path: '/configs', latency_ms: 1 }
  server.faults.add(rule)
  // What the controls keep, and the store itself by what the admin lists.
  const state = async () => JSON.stringify([server.clock.now(), server.faults.list(), server.listSnapshots(), (await get(server, '/api-keys')).text])
  const before = await state()
  t.match(before, /"name":"kept"/, 'the snapshot is in what is compared')

  const refusals: [string, () => unknown, RegExp][] = [
    ['advance(NaN)', () => server.clock.advance(Number.NaN), /^Invalid body field advance_ms: must be integer/],
    ['advance backwards', () => server.clock.advance(-1), /^Invalid body field advance_ms: must be >= 0/],
    ['advance past the last date-time', () => server.clock.advance(9_000 * 365 * 24 * HOUR), /^Invalid body field advance_ms/],
    ['set an invalid Date', () => server.clock.set(new Date('no such day')), /^Invalid body field set: must be an RFC 3339 date-time/],
    ['set a text that is no date-time', () => server.clock.set('tomorrow'), /^Invalid body field set: must be an RFC 3339 date-time/],
    ['set a number, as JavaScript allows', () => server.clock.set(Date.UTC(2031, 0, 1) as never), /^Invalid body field set: must be an RFC 3339 date-time/],
    ['a fault status the contract lacks', () => server.faults.add({ path: '/api-keys', status: 418 as 500 }), /^Invalid body field status/],
    ['a fault that does nothing', () => server.faults.add({ path: '/api-keys' }), /^Invalid body: a fault needs status, latency_ms or drop/],
    ['a fault path without its slash', () => server.faults.add({ path: 'api-keys', status: 500 }), /^Invalid body field path: must start with \/$/],
    ['zero times', () => server.faults.add({ path: '/api-keys', status: 500, times: 0 }), /^Invalid body field times: must be >= 1/],
    ['a seed without a probability', () => server.faults.add({ path: '/api-keys', status: 500, seed: 1 }), /^Invalid body field seed/],
    ['a fault header the stand-in sets', () => server.faults.add({ path: '/api-keys', status: 500, headers: { 'Content-Length': '1' } }), /^Invalid body field headers\.Content-Length: is set by the stand-in/],
    ['a fault header with a line break', () => server.faults.add({ path: '/api-keys', status: 500, headers: { 'x-a': '1\r\nx-b: 2' } }), /^Invalid body field headers\.x-a: must be text a header can carry/],
    ['an unknown rule field', () => server.faults.add({ path: '/api-keys', status: 500, colour: 'red' } as never), /^Unknown body field colour/],
    ['a snapshot name with a slash', () => server.snapshot('a/b'), /^Invalid path parameter name: must be 1 to 64 letters, digits, dots, underscores or hyphens$/],
    ['restoring an empty name', () => server.restore(''), /^Invalid path parameter name/],
    ['removing a rule that is not there', () => server.faults.remove(99), /^No fault rule 99$/],
    ['removing rule 0', () => server.faults.remove(0), /^Invalid path parameter id: must be >= 1/],
    ['a journal filter the route does not know', () => server.requests.list({ apiKeyId: 'x' } as never), /^Unknown query parameter apiKeyId \(it takes method, path, status, api_key_id, operation_id\)$/],
    ['a journal filter of paging', () => server.requests.list({ page_size: 1 } as never), /^Unknown query parameter page_size/],
    ['a method in lower case', () => server.requests.list({ method: 'get' as 'GET' }), /^Invalid query parameter method: must be equal to one of the allowed values/],
    ['a status beyond HTTP\'s', () => server.requests.list({ status: 1000 }), /^Invalid query parameter status: must be <= 599/],
    ['a key id that is no uuid', () => server.requests.list({ api_key_id: 'key-1' }), /^Invalid query parameter api_key_id: must match format "uuid"/],
    ['an operation that is not Portkey\'s', () => server.requests.list({ operation_id: 'listKeys' as 'listApiKeys' }), /^Invalid query parameter operation_id: "listKeys" is not one of the values the contract allows$/],
  ]
  for (const [what, control, message] of refusals) t.throws(control, message, what)

  t.equal(await state(), before, 'nothing changed')
  rule.latency_ms = 60_000
  t.match(server.faults.list(), [{ rule: { latency_ms: 1 } }], 'a rule kept is a copy of the one given')
  const [listed] = server.faults.list()
  listed.rule.latency_ms = 60_000
  listed.fired = 5
  t.match(server.faults.list(), [{ rule: { latency_ms: 1 }, fired: 0 }], 'a rule listed is a copy of the one kept')
  const added = server.faults.add({ path: '/configs', latency_ms: 2 })
  added.rule.latency_ms = 60_000
  t.match(server.faults.list()[1], { id: added.id, rule: { latency_ms: 2 } }, 'so is the rule add() answers')
})
