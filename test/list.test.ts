import t from 'tap'
import { addKey, build, call, DEV, SEED } from './helper.js'

type Item = { id: string, created_at: string, type: string, workspace_id: string | null, key: string }
type List = { total: number, object: string, data: Item[] }

const ALL_TYPES_LIST = ['organisation_service_api_keys.list', 'workspace_service_api_keys.list', 'workspace_user_api_keys.list']

t.test('an admin key lists every key of its organisation, newest first, ties broken by id', async t => {
  const app = await build(t)
  const { status, body, headers } = await call(app, DEV.admin, { url: '/v1/api-keys' })
  t.equal(status, 200)
  t.match(headers['content-type'], /^application\/json/)
  const list = body as List
  t.equal(list.object, 'list')
  t.equal(list.total, Object.keys(SEED.apiKeys).length)
  t.same(new Set(list.data.map(k => k.id)), new Set(Object.values(SEED.apiKeys)))
  for (let i = 1; i < list.data.length; i++) {
    const [a, b] = [list.data[i - 1], list.data[i]]
    t.ok(a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id), `${a.id} before ${b.id}`)
  }
  // The seed has two keys created at the same instant: the larger id comes first.
  const tied = list.data.filter(k => k.created_at === '2025-07-21T08:30:00.000Z').map(k => k.id)
  t.same(tied, [SEED.apiKeys.autoProvisioned, SEED.apiKeys.carol])
})

t.test('the same list is served under /v1 and at the root', async t => {
  const app = await build(t)
  const v1 = await call(app, DEV.admin, { url: '/v1/api-keys?page_size=4' })
  const root = await call(app, DEV.admin, { url: '/api-keys?page_size=4' })
  t.equal(root.status, 200)
  t.same(root.body, v1.body)
})

t.test('pages walk the whole list without overlap or gap, and total counts every match', async t => {
  const app = await build(t)
  const all = (await call(app, DEV.admin, { url: '/api-keys?page_size=1000' })).body as List
  const seen: string[] = []
  for (let page = 0; page < 4; page++) {
    const { body } = await call(app, DEV.admin, { url: `/api-keys?page_size=3&current_page=${page}` })
    t.equal((body as List).total, all.total, `page ${page} carries the full total`)
    t.ok((body as List).data.length <= 3)
    seen.push(...(body as List).data.map(k => k.id))
  }
  t.same(seen, all.data.map(k => k.id))
})

t.test('a page past the end is empty and keeps the true total', async t => {
  const app = await build(t)
  // However large (up to the largest integer JSON keeps exactly): the store is never asked for rows
  // past the last match.
  for (const page of ['50', String(Number.MAX_SAFE_INTEGER)]) {
    const { status, body } = await call(app, DEV.admin, { url: `/api-keys?page_size=5&current_page=${page}` })
    t.equal(status, 200)
    t.same(body, { total: Object.keys(SEED.apiKeys).length, object: 'list', data: [] })
  }
})

t.test('the other lists count every match on any page: one partly full, and one past the end', async t => {
  const app = await build(t)
  const lists: [string, string, string][] = [
    ['/v1/admin/workspaces', 'page_size', 'current_page'],
    [`/v1/admin/workspaces/${SEED.workspaces.research.slug}/users`, 'page_size', 'current_page'],
    ['/v1/admin/users', 'pageSize', 'currentPage'],
    ['/v1/admin/users/invites', 'pageSize', 'currentPage'],
    ['/v1/configs', 'page_size', 'current_page'],
  ]
  for (const [url, size, page] of lists) {
    const all = (await call(app, DEV.admin, { url })).body as List
    t.ok(all.total >= 2 && all.data.length === all.total, `${url}: the seed has ${all.total}`)
    const paged = async (pageSize: number, current: number) => (await call(app, DEV.admin, { url: `${url}?${size}=${pageSize}&${page}=${current}` })).body as List
    const last = await paged(all.total - 1, 1)
    t.same([last.total, last.data.map(item => item.id)], [all.total, all.data.slice(-1).map(item => item.id)], `${url}: the last page, partly full`)
    const past = await paged(1, all.total + 3)
    t.same([past.total, past.data], [all.total, []], `${url}: past the end`)
  }
})

t.test('page_size defaults to 50 and goes up to 1000', async t => {
  const app = await build(t)
  for (let i = 0; i < 60; i++) addKey(app, { type: 'workspace-service' })
  const first = (await call(app, DEV.admin, { url: '/api-keys' })).body as List
  t.equal(first.data.length, 50)
  t.equal(first.total, 70)
  const big = (await call(app, DEV.admin, { url: '/api-keys?page_size=1000' })).body as List
  t.equal(big.data.length, 70)
})

t.test('bad paging values are a 400 naming the parameter', async t => {
  const app = await build(t)
  const cases: [string, string][] = [
    ['page_size=0', 'page_size'], ['page_size=-1', 'page_size'], ['page_size=1.5', 'page_size'],
    ['page_size=ten', 'page_size'], ['page_size=1001', 'page_size'], ['page_size=', 'page_size'],
    ['current_page=-1', 'current_page'], ['current_page=0.5', 'current_page'], ['current_page=first', 'current_page'],
    ['page_size=Infinity', 'page_size'], ['current_page=1e400', 'current_page'], ['workspace_id=', 'workspace_id'],
  ]
  for (const [query, field] of cases) {
    const { status, body } = await call(app, DEV.admin, { url: `/api-keys?${query}` })
    t.equal(status, 400, query)
    t.equal(body.data.errorCode, 'AB01', query)
    t.match(body.data.message, new RegExp(`query parameter ${field}`), query)
  }
})

t.test('unknown query parameters are ignored', async t => {
  const app = await build(t)
  const plain = await call(app, DEV.admin, { url: '/api-keys' })
  const extra = await call(app, DEV.admin, { url: `/api-keys?workspaceId=${SEED.workspaces.shared.id}&foo=bar` })
  t.same(extra.body, plain.body)
})

t.test('workspace_id filters by UUID or slug, and responses carry the UUID', async t => {
  const app = await build(t)
  const byId = await call(app, DEV.admin, { url: `/api-keys?workspace_id=${SEED.workspaces.research.id}` })
  const bySlug = await call(app, DEV.admin, { url: `/api-keys?workspace_id=${SEED.workspaces.research.slug}` })
  t.equal(byId.status, 200)
  t.same(bySlug.body, byId.body)
  const list = byId.body as List
  t.equal(list.total, 4)
  t.equal(list.data.length, 4)
  t.ok(list.data.every(k => k.workspace_id === SEED.workspaces.research.id))
})

t.test('an admin naming a workspace that is not in its organisation gets a 404', async t => {
  const app = await build(t)
  for (const named of ['ws-nowhere-000000', crypto.randomUUID()]) {
    const { status, body } = await call(app, DEV.admin, { url: `/api-keys?workspace_id=${named}` })
    t.equal(status, 404)
    t.equal(body.data.errorCode, 'AB08')
  }
})

t.test('a workspace-service key sees only its own workspace', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.workspace, { url: '/api-keys' })
  t.equal(status, 200)
  const list = body as List
  t.equal(list.total, 4)
  t.ok(list.data.every(k => k.workspace_id === SEED.workspaces.shared.id))
  t.same(new Set(list.data.map(k => k.type)), new Set(['workspace-service', 'workspace-user']))

  const own = await call(app, DEV.workspace, { url: `/api-keys?workspace_id=${SEED.workspaces.shared.slug}` })
  t.same(own.body, body, 'naming its own workspace, by slug, changes nothing')
  for (const other of [SEED.workspaces.research.id, SEED.workspaces.research.slug, 'ws-nowhere-000000']) {
    const { status, body } = await call(app, DEV.workspace, { url: `/api-keys?workspace_id=${other}` })
    t.equal(status, 403, other)
    t.same(body, { success: false, data: { message: 'You do not have enough permissions to execute this request', errorCode: 'AB03' } })
  }
})

t.test('a workspace-user key may not list keys', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.user, { url: '/api-keys' })
  t.equal(status, 403)
  t.equal(body.data.errorCode, 'AB03')
})

t.test('a workspace-user key may not manage keys, even holding every API-key scope it can be granted', async t => {
  const app = await build(t)
  const scopes = ['workspace_service', 'workspace_user'].flatMap(type => ['list', 'read', 'create', 'update', 'delete', 'rotate'].map(action => `${type}_api_keys.${action}`))
  const made = await call(app, DEV.admin, {
    method: 'POST',
    url: '/api-keys/workspace/user',
    payload: { name: 'holds them all', scopes, workspace_id: SEED.workspaces.shared.id, user_id: SEED.users.bob.id },
  })
  t.equal(made.status, 200, 'such a key can be made')
  const own = `/api-keys/${made.body.id}`
  for (const [what, request] of [
    ['list', { url: '/api-keys' }],
    ['read its own', { url: own }],
    ['create', { method: 'POST', url: '/api-keys/workspace/user', payload: { name: 'x', scopes: [], workspace_id: SEED.workspaces.shared.id, user_id: SEED.users.bob.id } }],
    ['update its own', { method: 'PUT', url: own, payload: { name: 'renamed' } }],
    ['rotate its own', { method: 'POST', url: `${own}/rotate` }],
    ['delete its own', { method: 'DELETE', url: own }],
  ] as const) {
    const { status, body } = await call(app, made.body.key, request)
    t.equal(status, 403, what)
    t.equal(body.data?.errorCode, 'AB03')
  }
})

t.test('a list shows only the key types the caller holds the list scope for', async t => {
  const app = await build(t)
  const { secret: usersOnly } = addKey(app, { type: 'organisation-service', scopes: ['workspace_user_api_keys.list'] })
  const users = (await call(app, usersOnly, { url: '/api-keys' })).body as List
  t.equal(users.total, 3)
  t.ok(users.data.every(k => k.type === 'workspace-user'))

  const { secret: readOnly } = addKey(app, { type: 'organisation-service', scopes: ['workspace_user_api_keys.read'] })
  const refused = await call(app, readOnly, { url: '/api-keys' })
  t.equal(refused.status, 403, 'read does not imply list')

  const { secret: everything } = addKey(app, { type: 'organisation-service', scopes: ALL_TYPES_LIST })
  t.equal(((await call(app, everything, { url: '/api-keys' })).body as List).total, Object.keys(SEED.apiKeys).length + 3)
})

t.test('keys of another organisation never appear', async t => {
  const app = await build(t)
  const { organisations } = app.store
  const other = { id: crypto.randomUUID(), name: 'Other Ltd', created_at: 0 }
  organisations.insert(other)
  const { secret } = addKey(app, { type: 'organisation-service', organisation_id: other.id, scopes: ALL_TYPES_LIST })
  const theirs = (await call(app, secret, { url: '/api-keys' })).body as List
  t.equal(theirs.total, 1, 'the other organisation sees only its own key')
  const ours = (await call(app, DEV.admin, { url: '/api-keys?page_size=1000' })).body as List
  t.equal(ours.total, Object.keys(SEED.apiKeys).length + 0, 'and ours does not count theirs')
  const named = await call(app, secret, { url: `/api-keys?workspace_id=${SEED.workspaces.shared.slug}` })
  t.equal(named.status, 404, 'nor can it name our workspace')
})

t.test('every listed key is masked: 2 characters, 5 stars, 3 characters', async t => {
  const app = await build(t)
  const list = (await call(app, DEV.admin, { url: '/api-keys' })).body as List
  for (const item of list.data) t.match(item.key, /^[^*]{2}\*{5}[^*]{3}$/, item.id)
  const admin = list.data.find(k => k.id === SEED.apiKeys.admin)!
  t.equal(admin.key, `${DEV.admin.slice(0, 2)}*****${DEV.admin.slice(-3)}`)
  t.notMatch(JSON.stringify(list), DEV.admin)
})
