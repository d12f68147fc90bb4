import { join } from 'node:path'
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { answersOf, build, call, DEV, listen, SEED, sdk, TestClock } from './helper.js'

const post = (url: string, payload?: object) => ({ method: 'POST' as const, url, ...(payload ? { payload } : {}) })

// Writes of every kind, so that what a restore must undo touches every table.
async function churn (app: Awaited<ReturnType<typeof build>>) {
  await call(app, DEV.admin, post('/api-keys/organisation/service', { name: 'temp', scopes: [] }))
  await call(app, DEV.admin, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.sharedCi}` })
  await call(app, DEV.admin, post('/admin/workspaces', { name: 'temp', users: [SEED.users.carol.id] }))
  await call(app, DEV.admin, { method: 'DELETE', url: `/admin/users/${SEED.users.bob.id}` })
  await call(app, DEV.admin, post('/admin/users/invites', { email: 'z@acme.test', role: 'member' }))
  await call(app, DEV.admin, { method: 'PUT', url: `/configs/${SEED.configs.shared.slug}`, payload: { name: 'renamed' } })
}

t.test('snapshots: take, change, restore gives the same answers byte for byte; list and drop', async t => {
  const app = await build(t)
  await churn(app)
  const at = await answersOf(app)
  const taken = await call(app, undefined, post('/__mock/snapshots/after-churn'))
  t.equal(taken.status, 200)
  t.match(taken.body, { name: 'after-churn', created_at: String, bytes: Number })
  const made = (await call(app, DEV.admin, post('/api-keys/organisation/service', { name: 'later', scopes: [] }))).body
  await call(app, DEV.admin, { method: 'DELETE', url: `/admin/workspaces/${SEED.workspaces.research.id}?force_delete=true` })
  t.not(JSON.stringify(await answersOf(app)), JSON.stringify(at))

  t.equal((await call(app, undefined, post('/__mock/snapshots/after-churn/restore'))).status, 200)
  t.same(await answersOf(app), at)
  t.equal((await call(app, made.key, { url: '/api-keys' })).status, 401, 'a key made after the snapshot no longer authenticates')
  t.equal((await call(app, DEV.admin, post('/api-keys/organisation/service', { name: 'after restore', scopes: [] }))).status, 200, 'and the store takes writes')

  await call(app, undefined, post('/__mock/snapshots/second'))
  const listed = (await call(app, undefined, { url: '/__mock/snapshots' })).body
  t.same(listed.data.map((s: { name: string }) => s.name), ['second', 'after-churn'])
  t.equal(listed.total, 2)
  t.equal((await call(app, undefined, { method: 'DELETE', url: '/__mock/snapshots/second' })).status, 200)
  const gone = await call(app, undefined, post('/__mock/snapshots/second/restore'))
  t.equal(gone.status, 404)
  t.match(gone.body.data, { errorCode: 'AB08', message: 'No snapshot named second' })
  t.equal((await call(app, undefined, { method: 'DELETE', url: '/__mock/snapshots/second' })).status, 404)
  const bad = await call(app, undefined, post('/__mock/snapshots/no%20spaces'))
  t.equal(bad.status, 400)
  t.equal(bad.body.data.message, 'Invalid path parameter name: must be 1 to 64 letters, digits, dots, underscores or hyphens', 'the rule in words, not its pattern')
})

t.test('snapshots list the most recently taken first, whatever the clock says', async t => {
  const clock = new TestClock(Date.parse('2030-01-01T00:00:00.000Z'))
  const app = await build(t, { clock })
  const names = async () => (await call(app, undefined, { url: '/__mock/snapshots' })).body.data.map((s: { name: string }) => s.name)
  for (const name of ['a', 'b', 'c']) await call(app, undefined, post(`/__mock/snapshots/${name}`))
  t.same(await names(), ['c', 'b', 'a'], 'taken at one instant of a frozen clock')
  await call(app, undefined, post('/__mock/snapshots/a'))
  t.same(await names(), ['a', 'c', 'b'], 'one taken again is the newest')
  clock.ms -= 3_600_000
  await call(app, undefined, post('/__mock/snapshots/d'))
  const listed = (await call(app, undefined, { url: '/__mock/snapshots' })).body.data
  t.same(listed.map((s: { name: string }) => s.name), ['d', 'a', 'c', 'b'], 'and one taken after the clock was set back')
  t.equal(listed[0].created_at, '2029-12-31T23:00:00.000Z', 'which says when by the clock')
})

t.test('snapshots and reset on a file store: the file holds what was restored, across a restart', async t => {
  const db = join(t.testdir(), 'snap.db')
  const first = await build(t, { config: { db } })
  const seeded = await answersOf(first)
  await churn(first)
  const churned = await answersOf(first)
  await call(first, undefined, post('/__mock/snapshots/churned'))
  await call(first, undefined, post('/__mock/reset'))
  t.same(await answersOf(first), seeded, 'reset')
  await call(first, undefined, post('/__mock/snapshots/churned/restore'))
  t.same(await answersOf(first), churned, 'restore')
  await first.close()
  const second = await build(t, { config: { db } })
  t.same(await answersOf(second), churned, 'what was restored is what the file holds')
})

t.test('tenants: workers in parallel each get an organisation of their own and never see each other', async t => {
  const base = await listen(await build(t))
  const tenants = await Promise.all(Array.from({ length: 6 }, async () => {
    const response = await fetch(`${base}/__mock/organisations`, { method: 'POST' })
    t.equal(response.status, 200)
    return await response.json() as { id: string, workspaces: { id: string, slug: string }[], api_keys: { id: string, type: string, key: string }[] }
  }))
  t.equal(new Set(tenants.map(tenant => tenant.id)).size, 6, 'six organisations')
  await Promise.all(tenants.map(async (tenant, i) => {
    const admin = sdk(base, tenant.api_keys.find(k => k.type === 'organisation-service')!.key)
    await admin.admin.workspaces.create({ name: `worker ${i}` })
    await admin.apiKeys.create({ type: 'organisation', 'sub-type': 'service', name: `made by worker ${i}`, scopes: [] })
  }))
  for (const [i, tenant] of tenants.entries()) {
    const admin = sdk(base, tenant.api_keys.find(k => k.type === 'organisation-service')!.key)
    const keys = await admin.apiKeys.list({}) as unknown as { total: number, data: { id: string, name: string }[] }
    t.same(keys.data.map(k => k.name).sort(), ['Admin API key', 'Workspace API key', `made by worker ${i}`].sort(), `worker ${i} sees only its own keys`)
    const workspaces = await admin.admin.workspaces.list({}) as unknown as { data: { name: string }[] }
    t.same(workspaces.data.map(w => w.name).sort(), ['Default', `worker ${i}`])
    const seeded = await fetch(`${base}/v1/api-keys/${SEED.apiKeys.admin}`, { headers: { 'x-portkey-api-key': tenant.api_keys[0].key } })
    t.equal(seeded.status, 404, 'the seeded organisation is out of sight')
  }
  const own = await fetch(`${base}/v1/api-keys/${tenants[1].api_keys[0].id}`, { headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(own.status, 404, 'and the seeded admin cannot see a tenant')
})

t.test('a tenant from a fixture body: many workers may send the same one; given ids must be free', async t => {
  const app = await build(t)
  const body = {
    name: 'Team',
    workspaces: [{ name: 'Main', slug: 'ws-main', members: [{ user: 'dev@team.test', role: 'admin' }] }],
    users: [{ email: 'dev@team.test', role: 'owner' }],
    api_keys: [{ name: 'dev key', type: 'workspace-user', user: 'dev@team.test', scopes: ['completions.write'] }],
  }
  const one = await call(app, undefined, post('/__mock/organisations', body))
  const two = await call(app, undefined, post('/__mock/organisations', body))
  t.equal(one.status, 200)
  t.equal(two.status, 200, 'the same emails and slugs in another organisation')
  t.match(one.body, { name: 'Team', workspaces: [{ slug: 'ws-main', is_default: true }], users: [{ email: 'dev@team.test', role: 'owner' }], api_keys: [{ type: 'workspace-user', key: String }] })
  t.not(one.body.api_keys[0].key, two.body.api_keys[0].key)

  const fixed = { ...body, id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a' }
  t.equal((await call(app, undefined, post('/__mock/organisations', fixed))).status, 200)
  const before = await answersOf(app)
  const again = await call(app, undefined, post('/__mock/organisations', fixed))
  t.equal(again.status, 409)
  t.match(again.body.data, { errorCode: 'AB07', message: /already/ })
  t.same(await answersOf(app), before, 'nothing of it was created')

  const bad = await call(app, undefined, post('/__mock/organisations', { api_keys: [{ name: 'k', type: 'workspace-service', workspace: 'ws-nowhere' }, { name: 'x', type: 'nope' }] }))
  t.equal(bad.status, 400)
  t.match(bad.body.data.message, /api_keys\.1\.type|api_keys\[1\]\.type/)
  const unresolved = await call(app, undefined, post('/__mock/organisations', { api_keys: [{ name: 'k', type: 'workspace-service', workspace: 'ws-nowhere' }] }))
  t.equal(unresolved.status, 400)
  t.match(unresolved.body.data.message, 'api_keys[0].workspace: no workspace of the organisation has the slug or id ws-nowhere')
  const typo = await call(app, undefined, post('/__mock/organisations', { name: 'x', api_key: [] }))
  t.equal(typo.status, 400, 'a misspelt field is refused, not dropped')

  // `{}`, which some clients send for no body, is no body: the default tenant, with keys to call it by.
  const empty = await call(app, undefined, post('/__mock/organisations', {}))
  t.equal(empty.status, 200)
  t.match(empty.body, { name: 'Test organisation', users: [{ role: 'owner' }], api_keys: [{ type: 'organisation-service', key: String }, { type: 'workspace-service', key: String }] })
})

t.test('a tenant is answered with its workspaces, the default among them, and its users\' roles', async t => {
  const app = await build(t)
  const { body } = await call(app, undefined, post('/__mock/organisations', {
    workspaces: [{ name: 'One', slug: 'ws-one' }, { name: 'Two', slug: 'ws-two', is_default: true }],
    users: [{ email: 'a@x.test', role: 'owner' }, { email: 'b@x.test', role: 'admin' }, { email: 'c@x.test' }],
  }))
  t.same(body.workspaces.map((w: { slug: string, is_default: boolean }) => [w.slug, w.is_default]), [['ws-one', false], ['ws-two', true]])
  t.same(body.users.map((u: { email: string, role: string }) => [u.email, u.role]), [['a@x.test', 'owner'], ['b@x.test', 'admin'], ['c@x.test', 'member']])
})

t.test('deleting a tenant removes everything in it; its keys stop at once', async t => {
  const app = await build(t)
  const tenant = (await call(app, undefined, post('/__mock/organisations'))).body
  const secret = tenant.api_keys[0].key
  await call(app, secret, post('/configs', { name: 'c', config: { retry: { attempts: 1 } }, workspace_id: tenant.workspaces[0].id }))
  await call(app, secret, post('/admin/users/invites', { email: 'x@y.test', role: 'member' }))
  const seeded = await answersOf(app)
  t.equal((await call(app, undefined, { method: 'DELETE', url: `/__mock/organisations/${tenant.id}` })).status, 200)
  t.equal((await call(app, secret, { url: '/api-keys' })).status, 401)
  t.same(await answersOf(app), seeded, 'the seeded organisation is untouched')
  const counts = app.store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
  for (const table of counts) {
    const columns = (app.store.db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map(c => c.name)
    if (columns.includes('organisation_id')) t.equal(app.store.db.prepare(`SELECT count(*) FROM "${table}" WHERE organisation_id = ?`).pluck().get(tenant.id), 0, `nothing left in ${table}`)
  }
  t.equal((await call(app, undefined, { method: 'DELETE', url: `/__mock/organisations/${tenant.id}` })).status, 404)
})

t.test('a key made exhausted through /__mock reads so, and back', async t => {
  const app = await build(t, { clock: new TestClock(Date.parse('2026-06-01T12:00:00Z')) })
  const url = `/__mock/api-keys/${SEED.apiKeys.sharedCi}/status`
  const spent = await call(app, undefined, post(url, { status: 'exhausted' }))
  t.equal(spent.status, 200)
  t.equal(spent.body.status, 'exhausted')
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.sharedCi}` })).body.status, 'exhausted', 'a read shows it')
  t.equal(spent.body.last_updated_at, '2026-06-01T12:00:00.000Z', 'changed when it was set')
  const listed = (await call(app, DEV.admin, { url: '/api-keys?page_size=100' })).body.data.find((k: { id: string }) => k.id === SEED.apiKeys.sharedCi)
  t.equal(listed.status, 'exhausted', 'so does the list')
  t.equal((await call(app, undefined, post(url, { status: 'active' }))).body.status, 'active')
  t.equal((await call(app, undefined, post(url, { status: 'expired' }))).status, 400, 'expired comes from expires_at and the clock')
  t.equal((await call(app, undefined, post('/__mock/api-keys/00000000-0000-4000-8000-000000000000/status', { status: 'active' }))).status, 404)
})

t.test('--deterministic: two fresh servers fed the same requests answer byte for byte the same', async t => {
  const run = async () => {
    const app = await build(t, { config: { deterministic: true, deterministicSeed: 7 } })
    const answers: string[] = []
    const send = async (options: InjectOptions) => {
      const response = await app.inject({ ...options, headers: { 'x-portkey-api-key': DEV.admin } })
      answers.push(`${response.statusCode} ${response.body}`)
      return JSON.parse(response.body)
    }
    const key = await send(post('/api-keys/organisation/service', { name: 'k', scopes: [], defaults: { metadata: { a: 'b' } } }))
    await send(post(`/api-keys/${key.id}/rotate`, {}))
    await send(post('/admin/workspaces', { name: 'W' }))
    await send(post('/configs', { name: 'C', config: { retry: { attempts: 1 } }, workspace_id: SEED.workspaces.shared.slug }))
    await send(post('/admin/users/invites', { email: 'q@acme.test', role: 'member' }))
    answers.push((await app.inject(post('/__mock/organisations'))).body)
    answers.push(...await answersOf(app))
    return answers
  }
  const first = await run()
  t.same(await run(), first)
  t.match(first[0], /"key":"[\w-]{32}"/, 'secrets are made, just reproducibly')
  const other = await build(t, { config: { deterministic: true, deterministicSeed: 8 } })
  const elsewhere = (await other.inject({ ...post('/api-keys/organisation/service', { name: 'k', scopes: [] }), headers: { 'x-portkey-api-key': DEV.admin } })).body
  t.not(elsewhere, first[0].slice(4), 'another seed makes other ids and secrets')
  t.equal((await call(other, undefined, { url: '/__mock/clock' })).body.now, '2026-01-01T00:00:00.000Z', 'the clock starts frozen')
})
