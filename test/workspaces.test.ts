import { PermissionDeniedError } from 'portkey-ai/dist/src/error.js'
import t from 'tap'
import { addKey, build, call, DEV, listen, SEED, sdk, storeContents, TestClock } from './helper.js'

const { shared, research } = SEED.workspaces
const NOW = Date.parse('2026-03-10T12:00:00.000Z')
const create = (payload: object) => ({ method: 'POST' as const, url: '/v1/admin/workspaces', payload })

t.test('the list: newest first, every field, filters by part of the name, the whole name and status', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, { url: '/v1/admin/workspaces' })
  t.equal(status, 200)
  t.equal(body.total, 2)
  t.same(body.data.map((w: { id: string }) => w.id), [research.id, shared.id])
  t.same(body.data[0], {
    id: research.id, slug: research.slug, name: '🔬 Research', icon: '🔬', description: 'Experiments, on a budget',
    created_at: '2025-05-01T10:00:00.000Z', last_updated_at: '2025-06-01T10:00:00.000Z',
    defaults: {
      metadata: { team: 'research' }, is_default: 0, input_guardrails: ['pg-pii-check-4f1a2b'], output_guardrails: [],
      user_api_key_config: 'pc-research-9f2e1a', object: 'workspace',
    },
    usage_limits: [{ credit_limit: 1000, type: 'cost', alert_threshold: 800, periodic_reset: 'monthly' }],
    rate_limits: [{ type: 'requests', unit: 'rpm', value: 1000 }],
    object: 'workspace',
  })
  t.equal(body.data[1].defaults.is_default, 1)

  const names = async (query: string) => (await call(app, DEV.admin, { url: `/admin/workspaces?${query}` })).body.data.map((w: { slug: string }) => w.slug)
  t.same(await names('name=ear'), [research.slug], 'part of the name')
  t.same(await names('name=EAR'), [], 'case sensitive')
  t.same(await names('exact_name=Shared'), [shared.slug])
  t.same(await names('exact_name=Share'), [])
  t.same(await names('status=active'), [research.slug, shared.slug])
  t.same(await names('status=archived'), [], 'nothing is archived')
  t.same(await names('status=archived,active'), [research.slug, shared.slug], 'either status')
  t.same(await names('page_size=1&current_page=1'), [shared.slug])
  const deleted = await call(app, DEV.admin, { url: '/admin/workspaces?status=deleted' })
  t.equal(deleted.status, 400)
  t.equal(deleted.body.data.message, 'Invalid query parameter status: must be active, archived, or both, comma separated')
})

// A page of workspaces is remembered between writes (WorkspaceRepository.list): each write shows at
// once, and so does a restore; callers and filters that differ never share a page.
t.test('the list shows each write at once, and a restore\'s; no two filters or callers share a page', async t => {
  const app = await build(t)
  const own = addKey(app, { type: 'workspace-service', scopes: ['workspaces.list'] })
  const slugs = async (query = '', secret = DEV.admin) => (await call(app, secret, { url: `/admin/workspaces?${query}` })).body.data
    .map((w: { slug: string, name: string }) => `${w.slug} ${w.name}`)
  const before = await slugs()
  t.same(before, [`${research.slug} 🔬 Research`, `${shared.slug} Shared`])
  t.same(await slugs('', own.secret), [`${shared.slug} Shared`], 'a workspace key, right after the organisation key')
  t.same(await slugs('name=null'), [], 'the name "null" is not no name')
  t.same(await slugs('exact_name=Shared'), [`${shared.slug} Shared`])
  t.same(await slugs('page_size=1&current_page=1'), [`${shared.slug} Shared`])
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/workspaces' })).status, 200)
  const created = (await call(app, DEV.admin, create({ name: 'Data' }))).body
  t.same(await slugs(), [`${created.slug} Data`, ...before], 'created')
  await call(app, DEV.admin, { method: 'PUT', url: `/admin/workspaces/${created.id}`, payload: { name: 'Data Platform' } })
  t.same(await slugs(), [`${created.slug} Data Platform`, ...before], 'renamed')
  await call(app, DEV.admin, { method: 'DELETE', url: `/admin/workspaces/${created.id}` })
  t.same(await slugs(), before, 'deleted')
  await call(app, DEV.admin, create({ name: 'Later' }))
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/workspaces/restore' })).status, 200)
  t.same(await slugs(), before, 'restored')
})

t.test('workspaces are for organisation keys holding workspaces.*', async t => {
  const app = await build(t)
  t.equal((await call(app, DEV.workspace, { url: '/admin/workspaces' })).status, 403)
  t.equal((await call(app, DEV.user, { url: `/admin/workspaces/${shared.id}` })).status, 403)
  const reader = addKey(app, { type: 'organisation-service', scopes: ['workspaces.read'] })
  t.equal((await call(app, reader.secret, { url: `/admin/workspaces/${shared.id}` })).status, 200)
  t.equal((await call(app, reader.secret, { url: '/admin/workspaces' })).status, 403, 'read does not imply list')
  t.equal((await call(app, reader.secret, create({ name: 'x' }))).status, 403)
  // Keys of a workspace cannot be granted workspaces.*, but a key stored with it sees only its own.
  const own = addKey(app, { type: 'workspace-service', scopes: ['workspaces.list', 'workspaces.read'] })
  t.same((await call(app, own.secret, { url: '/admin/workspaces' })).body.data.map((w: { id: string }) => w.id), [shared.id])
  t.equal((await call(app, own.secret, { url: `/admin/workspaces/${research.slug}` })).status, 403)
})

t.test('create answers a workspace that keys can be created in at once, with its users as members', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const { status, body } = await call(app, DEV.admin, create({
    name: 'Data Platform', description: 'ETL', defaults: { metadata: { team: 'data' } }, users: [SEED.users.carol.id],
    rate_limits: [{ type: 'requests', unit: 'rpm', value: 100 }], usage_limits: [{ credit_limit: 50, periodic_reset: 'weekly' }],
  }))
  t.equal(status, 200)
  t.match(body.slug, /^ws-data-platform-[0-9a-f]{6}$/)
  t.match(body, {
    name: 'Data Platform', icon: null, description: 'ETL', created_at: '2026-03-10T12:00:00.000Z', last_updated_at: '2026-03-10T12:00:00.000Z',
    defaults: { metadata: { team: 'data' }, is_default: 0 }, usage_limits: [{ credit_limit: 50, periodic_reset: 'weekly' }],
  })
  t.same(body.usage_limits[0], { credit_limit: 50, periodic_reset: 'weekly' }, 'limits read back as sent, nothing invented')

  const read = (await call(app, DEV.admin, { url: `/admin/workspaces/${body.slug}` })).body
  t.same(read.users.map((u: { id: string, role: string, org_role: string }) => [u.id, u.role, u.org_role]), [[SEED.users.carol.id, 'member', 'admin']])

  const key = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/workspace/service', payload: { name: 'k', scopes: ['completions.write'], workspace_id: body.slug } })
  t.equal(key.status, 200, 'a key in the new workspace')
  const userKey = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/workspace/user', payload: { name: 'u', scopes: [], workspace_id: body.id, user_id: SEED.users.carol.id } })
  t.equal(userKey.status, 200, 'and a user key for its member')

  t.equal((await call(app, DEV.admin, create({ name: 'x', users: ['00000000-0000-4000-8000-000000000000'] }))).status, 404, 'an unknown user')
  t.equal((await call(app, DEV.admin, create({ description: 'no name' }))).status, 400)
  t.equal((await call(app, DEV.admin, { url: '/admin/workspaces' })).body.total, 3, 'the refused ones left nothing behind')
  t.equal((await call(app, DEV.admin, create({ name: 'No icon', icon: '' }))).body.icon, null, 'an empty icon is none, as on update')
  // At most 40 characters of the name, and no dash left at the cut.
  const long = (await call(app, DEV.admin, create({ name: `${'x'.repeat(39)} yz` }))).body.slug
  t.match(long, new RegExp(`^ws-${'x'.repeat(39)}-[0-9a-f]{6}$`), 'a long name, cut')
  t.match((await call(app, DEV.admin, create({ name: '🚀' }))).body.slug, /^ws-workspace-[0-9a-f]{6}$/, 'a name of no letter or digit')
  t.match((await call(app, DEV.admin, create({ name: ' (R&D) Lab! ' }))).body.slug, /^ws-r-d-lab-[0-9a-f]{6}$/, 'no dash from what begins or ends the name')
  const twice = await call(app, DEV.admin, create({ name: 'Twice', users: [SEED.users.bob.id, SEED.users.bob.id] }))
  t.equal(twice.status, 200, 'a user named twice')
  t.same((await call(app, DEV.admin, { url: `/admin/workspaces/${twice.body.id}` })).body.users.map((u: { id: string }) => u.id), [SEED.users.bob.id], 'is a member once')
})

t.test('a user key can be created only for a member of its workspace', async t => {
  const app = await build(t)
  const payload = { name: 'u', scopes: [], workspace_id: shared.id, user_id: SEED.users.carol.id }
  const { status, body } = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/workspace/user', payload })
  t.equal(status, 400)
  t.equal(body.data.message, 'Invalid body field user_id: the user is not a member of the workspace')
})

t.test('retrieve by id or slug, with members; anything unreachable is a 403, as on the live API', async t => {
  const app = await build(t)
  for (const named of [research.id, research.slug]) {
    const { status, body } = await call(app, DEV.admin, { url: `/v1/admin/workspaces/${named}` })
    t.equal(status, 200)
    t.same(body.users.map((u: { email: string }) => u.email).sort(), ['bob@acme.test', 'carol@acme.test'])
    t.match(body.users[0], { object: 'workspace-user', status: 'active', workspace_id: research.id, scopes: [], settings: null })
  }
  for (const named of ['00000000-0000-4000-8000-000000000000', 'ws-nope-000000']) {
    const { status, body } = await call(app, DEV.admin, { url: `/admin/workspaces/${named}` })
    t.equal(status, 403)
    t.equal(body.data.errorCode, 'AB03')
  }
})

t.test('update changes only what is sent; an empty icon and null limits clear', async t => {
  const clock = new TestClock(NOW)
  const app = await build(t, { clock })
  const put = (payload: object) => call(app, DEV.admin, { method: 'PUT', url: `/admin/workspaces/${research.slug}`, payload })
  const { status, body } = await put({ description: 'changed', defaults: { metadata: { team: 'r2' } } })
  t.equal(status, 200)
  t.same(body, {})
  let read = (await call(app, DEV.admin, { url: `/admin/workspaces/${research.id}` })).body
  t.match(read, { name: '🔬 Research', description: 'changed', last_updated_at: '2026-03-10T12:00:00.000Z' })
  t.same(read.defaults.metadata, { team: 'r2' })
  t.same(read.defaults.input_guardrails, ['pg-pii-check-4f1a2b'], 'defaults not sent are kept')
  t.equal(read.rate_limits.length, 1)

  await put({ icon: '', usage_limits: null, rate_limits: null, defaults: { user_api_key_config: null }, name: 'Lab' })
  read = (await call(app, DEV.admin, { url: `/admin/workspaces/${research.id}` })).body
  t.match(read, { name: 'Lab', icon: null, defaults: { user_api_key_config: null } })
  // t.match would take any array for []: the limits are compared whole.
  t.same([read.usage_limits, read.rate_limits], [[], []], 'null limits clear')

  await put({ defaults: { input_guardrails: [], output_guardrails: ['pg-tone-9c2d1e'] } })
  read = (await call(app, DEV.admin, { url: `/admin/workspaces/${research.id}` })).body
  t.same([read.defaults.input_guardrails, read.defaults.output_guardrails], [[], ['pg-tone-9c2d1e']], 'guardrails sent replace those held')
  t.equal((await put({ name: '' })).status, 400)
})

// Portkey's UsageLimits, which its document gives workspaces too: a reset every N days, and when the
// next reset is, beside the fields the Terraform provider sends.
t.test('usage limits take a reset by days and its next date, read back as sent; both resets at once are refused', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const limits = [{ type: 'cost', credit_limit: 10 }, { type: 'tokens', credit_limit: 5000, periodic_reset_days: 30, next_usage_reset_at: '2026-04-09T14:00:00+02:00' }]
  const { status, body } = await call(app, DEV.admin, create({ name: 'Metered', usage_limits: limits }))
  t.equal(status, 200)
  const sent = [limits[0], { ...limits[1], next_usage_reset_at: '2026-04-09T12:00:00.000Z' }]
  t.same(body.usage_limits, sent, 'as sent, the date in UTC to the millisecond, nothing invented')
  t.same((await call(app, DEV.admin, { url: `/admin/workspaces/${body.id}` })).body.usage_limits, sent, 'and read back so')

  const before = storeContents(app)
  const both = [limits[0], { type: 'cost', credit_limit: 10, periodic_reset: 'monthly', periodic_reset_days: 30 }]
  for (const request of [create({ name: 'Both', usage_limits: both }), { method: 'PUT' as const, url: `/admin/workspaces/${body.id}`, payload: { usage_limits: both } }]) {
    const refused = await call(app, DEV.admin, request)
    t.equal(refused.status, 400)
    t.equal(refused.body.data.message, 'Invalid body field usage_limits[1]: periodic_reset and periodic_reset_days are mutually exclusive', `${request.method}: the limit named`)
  }
  t.equal(storeContents(app), before, 'and nothing changed')
})

// A key may be limited per second or per week; Portkey's document allows a workspace only per day,
// hour or minute, and the Terraform provider checks the same.
t.test('a workspace\'s rate limits are per day, hour or minute: a unit only a key takes is refused', async t => {
  const app = await build(t)
  const before = storeContents(app)
  for (const request of [create({ name: 'Fast', rate_limits: [{ type: 'requests', unit: 'rps', value: 5 }] }), { method: 'PUT' as const, url: `/admin/workspaces/${shared.id}`, payload: { rate_limits: [{ type: 'requests', unit: 'rpw', value: 5 }] } }]) {
    const refused = await call(app, DEV.admin, request)
    t.equal(refused.status, 400)
    t.match(refused.body.data.message, /^Invalid body field rate_limits\[0\]\.unit: .*rpd, rph, rpm/, `${request.method}: the unit named, with the ones allowed`)
  }
  t.equal(storeContents(app), before, 'and nothing changed')
  t.equal((await call(app, DEV.admin, create({ name: 'Hourly', rate_limits: [{ type: 'tokens', unit: 'rph', value: 5 }] }))).status, 200)
})

t.test('delete: the default workspace never; dependents only with force_delete, which takes them along', async t => {
  const app = await build(t)
  const del = (named: string, payload?: object, query = '') =>
    call(app, DEV.admin, { method: 'DELETE', url: `/admin/workspaces/${named}${query}`, ...(payload ? { payload } : {}) })
  const refused = await del(shared.id, { force_delete: true })
  t.equal(refused.status, 409)
  t.match(refused.body.data.message, /default workspace/)

  const created = (await call(app, DEV.admin, { method: 'POST', url: '/api-keys/workspace/service', payload: { name: 'k', scopes: [], workspace_id: research.id } })).body
  const busy = await del(research.id)
  t.equal(busy.status, 409)
  t.equal(busy.body.data.errorCode, 'AB07')
  const count = async (url: string) => (await call(app, DEV.admin, { url })).body.total
  const [keys, configs, members] = [
    await count(`/api-keys?workspace_id=${research.id}`),
    await count(`/configs?workspace_id=${research.id}`),
    await count(`/admin/workspaces/${research.id}/users`),
  ]
  t.same([keys, configs, members], [5, 1, 2], 'what the lists hold')
  t.equal(busy.body.data.message, `Unable to delete: workspace ${research.slug} still has 5 API keys, 1 config and 2 members. ` +
    'Remove them first, or send force_delete: true to delete them with it', 'the message counts each, in the singular for one')
  t.equal((await del(research.id, { name: 'Not research', force_delete: true })).status, 400, 'a name that is not the workspace\'s')
  t.equal((await call(app, created.key, { url: '/api-keys' })).status, 403, 'the key still authenticates before')

  t.equal((await del(research.slug, { name: 'Research', force_delete: true })).status, 200)
  t.equal((await call(app, created.key, { url: '/api-keys' })).status, 401, 'its keys stop authenticating')
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.carol}` })).status, 404, 'its keys are gone')
  t.equal((await call(app, DEV.admin, { url: `/admin/workspaces/${research.id}` })).status, 403)
  t.equal((await del(research.id)).status, 403, 'a second delete')
  const total = (await call(app, DEV.admin, { url: '/api-keys' })).body.total
  t.equal(total, 6, 'the tallies behind total followed: two organisation keys and the shared workspace\'s four')

  const empty = (await call(app, DEV.admin, create({ name: 'Empty' }))).body
  t.equal((await del(empty.id)).status, 200, 'an empty workspace needs no force')
  const withMember = (await call(app, DEV.admin, create({ name: 'Members', users: [SEED.users.bob.id] }))).body
  t.equal((await del(withMember.id)).status, 409, 'a member is a dependent')
  t.equal((await del(withMember.id, undefined, '?force_delete=true')).status, 200, 'force_delete in the query too')
})

t.test('a refused delete counts none of a kind as none, in the plural', async t => {
  const app = await build(t)
  const { body } = await call(app, DEV.admin, { method: 'POST', url: '/admin/workspaces', payload: { name: 'Lone', users: [SEED.users.bob.id] } })
  const refused = await call(app, DEV.admin, { method: 'DELETE', url: `/admin/workspaces/${body.id}` })
  t.equal(refused.body.data.message, `Unable to delete: workspace ${body.slug} still has 0 API keys, 0 configs and 1 member. ` +
    'Remove them first, or send force_delete: true to delete them with it')
})

// The requests the Terraform provider's client sends for portkey_workspace (internal/client/client.go):
// POST, then GET by id to read; PUT, whose answer it ignores, then GET; DELETE with {name, force_delete}.
t.test('the Terraform provider\'s workspace flow: create, read, update, import, destroy', async t => {
  const app = await build(t)
  const headers = { 'content-type': 'application/json' }
  const created = await call(app, DEV.admin, { ...create({ name: 'tf-ws', description: 'by terraform', defaults: { metadata: { env: 'ci' } }, icon: '🚪' }), headers })
  t.equal(created.status, 200)
  const id = created.body.id
  const read = async () => (await call(app, DEV.admin, { url: `/v1/admin/workspaces/${id}`, headers })).body
  let state = await read()
  t.equal(state.name, '🚪 tf-ws', 'the icon before the name, which the provider strips')
  t.equal(state.icon, '🚪')
  t.match(state.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.same(state.defaults.metadata, { env: 'ci' })

  const updated = await call(app, DEV.admin, { method: 'PUT', url: `/v1/admin/workspaces/${id}`, headers, payload: { name: 'tf-ws', description: 'changed', rate_limits: null } })
  t.equal(updated.status, 200)
  state = await read()
  t.equal(state.description, 'changed')
  t.same(state.rate_limits, [])

  // terraform import: a read by the id alone gives the whole state.
  t.same(await read(), state)

  const destroyed = await call(app, DEV.admin, { method: 'DELETE', url: `/v1/admin/workspaces/${id}`, headers, payload: { name: 'tf-ws', force_delete: true } })
  t.equal(destroyed.status, 200)
  const gone = await call(app, DEV.admin, { url: `/v1/admin/workspaces/${id}`, headers })
  t.equal(gone.status, 403, 'which the provider reads as gone')
})

t.test('through the portkey-ai SDK over HTTP', async t => {
  const app = await build(t)
  const portkey = sdk(await listen(app), DEV.admin)
  const created = await portkey.admin.workspaces.create({ name: 'SDK space', description: 'via sdk', defaults: { metadata: { a: 'b' } } })
  t.match(created, { name: 'SDK space', description: 'via sdk', object: 'workspace' })
  const listed = await portkey.admin.workspaces.list({ exact_name: 'SDK space' })
  t.equal(listed.total, 1)
  const workspaceId = created.id as string
  const retrieved = await portkey.admin.workspaces.retrieve({ workspaceId })
  t.same(retrieved.users, [])
  await portkey.admin.workspaces.update({ workspaceId, description: 'updated' })
  t.equal((await portkey.admin.workspaces.retrieve({ workspaceId })).description, 'updated')
  await portkey.admin.workspaces.delete({ workspaceId, name: 'SDK space' })
  const gone = await portkey.admin.workspaces.retrieve({ workspaceId }).then(() => undefined, (error: unknown) => error)
  t.type(gone, PermissionDeniedError, 'gone: a 403, the SDK\'s PermissionDeniedError')
  t.match(gone, { status: 403, error: { data: { errorCode: 'AB03' } } })
})
