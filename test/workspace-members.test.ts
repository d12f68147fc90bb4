import t from 'tap'
import { addKey, build, call, DEV, listen, SEED, sdk, TestClock } from './helper.js'

const { shared, research } = SEED.workspaces
const { alice, bob, carol } = SEED.users
const membersOf = (workspace: string) => `/v1/admin/workspaces/${workspace}/users`

t.test('the list: in the order they joined, filtered by role or email, paged', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, { url: membersOf(research.slug) })
  t.equal(status, 200)
  t.equal(body.total, 2)
  t.same(body.data.map((m: { id: string, role: string }) => [m.id, m.role]).sort(), [[bob.id, 'member'], [carol.id, 'manager']].sort())
  t.same(body.data.find((m: { id: string }) => m.id === carol.id), {
    object: 'workspace-user', id: carol.id, first_name: 'Carol', last_name: 'Chen', org_role: 'admin', role: 'manager',
    created_at: '2025-05-01T10:00:00.000Z', last_updated_at: '2025-05-01T10:00:00.000Z', status: 'active',
    workspace_id: research.id, email: 'carol@acme.test', scopes: [], settings: null,
  })
  const ids = async (query: string) => (await call(app, DEV.admin, { url: `${membersOf(research.id)}?${query}` })).body.data.map((m: { id: string }) => m.id)
  t.same(await ids('role=manager'), [carol.id])
  t.same(await ids('email=bob@acme.test'), [bob.id])
  t.same(await ids('email=bob'), [], 'the whole address')
  t.equal((await ids('page_size=1&current_page=0')).length, 1)
  t.equal((await call(app, DEV.admin, { url: `${membersOf(research.id)}?role=owner` })).status, 400)
})

t.test('add, change the role, remove: all or none, and a user key leaves with its user', async t => {
  const app = await build(t)
  const add = (users: object[]) => call(app, DEV.admin, { method: 'POST', url: membersOf(research.id), payload: { users } })
  const unknown = '00000000-0000-4000-8000-000000000000'
  t.equal((await add([{ id: alice.id, role: 'admin' }, { id: unknown, role: 'member' }])).status, 404, 'an unknown user')
  t.equal((await add([{ id: alice.id, role: 'admin' }, { id: bob.id, role: 'member' }])).status, 409, 'an existing member')
  t.equal((await call(app, DEV.admin, { url: membersOf(research.id) })).body.total, 2, 'neither refusal added anyone')
  const added = await add([{ id: alice.id, role: 'admin' }])
  t.equal(added.status, 200)
  t.same(added.body, {})

  const one = `${membersOf(research.id)}/${alice.id}`
  t.match((await call(app, DEV.admin, { url: one })).body, { id: alice.id, role: 'admin', org_role: 'owner' })
  t.equal((await call(app, DEV.admin, { method: 'PUT', url: one, payload: { role: 'manager' } })).status, 200)
  t.equal((await call(app, DEV.admin, { url: one })).body.role, 'manager')
  t.equal((await call(app, DEV.admin, { method: 'PUT', url: one, payload: { role: 'owner' } })).status, 400)

  // Carol's seeded user key lives in Research: it goes when she leaves.
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.carol}` })).status, 200)
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `${membersOf(research.id)}/${carol.id}`, headers: { 'content-type': 'application/json' } })).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.carol}` })).status, 404)
  t.equal((await call(app, DEV.admin, { url: `${membersOf(research.id)}/${carol.id}` })).status, 404, 'no longer a member')
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `${membersOf(research.id)}/${carol.id}` })).status, 404, 'a second remove')
  t.equal((await call(app, DEV.admin, { url: `${membersOf('ws-nope-000000')}/${carol.id}` })).status, 403, 'an unknown workspace')
})

t.test('a role change moves the membership\'s last_updated_at to now, and leaves created_at', async t => {
  const clock = new TestClock(Date.parse('2026-03-10T12:00:00.000Z'))
  const app = await build(t, { clock })
  const one = `${membersOf(research.id)}/${alice.id}`
  t.equal((await call(app, DEV.admin, { method: 'POST', url: membersOf(research.id), payload: { users: [{ id: alice.id, role: 'member' }] } })).status, 200)
  clock.ms += 3_600_000
  t.equal((await call(app, DEV.admin, { method: 'PUT', url: one, payload: { role: 'admin' } })).status, 200)
  const times = { created_at: '2026-03-10T12:00:00.000Z', last_updated_at: '2026-03-10T13:00:00.000Z' }
  t.match((await call(app, DEV.admin, { url: one })).body, { role: 'admin', ...times })
  t.match((await call(app, DEV.admin, { url: `/v1/admin/workspaces/${research.id}` })).body.users.find((u: { id: string }) => u.id === alice.id), times, 'and with its workspace')
})

t.test('a user named twice in one add is a 409, and nobody is added', async t => {
  const app = await build(t)
  const added = await call(app, DEV.admin, { method: 'POST', url: membersOf(research.id), payload: { users: [{ id: alice.id, role: 'member' }, { id: alice.id, role: 'admin' }] } })
  t.equal(added.status, 409)
  t.match(added.body, { success: false, data: { errorCode: 'AB07', message: `User ${alice.id} is already a member of workspace ${research.slug}` } })
  t.equal((await call(app, DEV.admin, { url: membersOf(research.id) })).body.total, 2)
})

// A workspace's members are remembered between writes (MemberRepository.ofWorkspace): every kind of
// write that changes what a workspace read shows of them shows at once, and so does a restore.
t.test('a workspace read shows each change to its members at once, and a restore\'s', async t => {
  const app = await build(t)
  const shown = async () => (await call(app, DEV.admin, { url: `/admin/workspaces/${research.id}` })).body.users
    .map((u: { id: string, role: string, org_role: string }) => `${u.id === alice.id ? 'alice' : u.id === bob.id ? 'bob' : 'carol'} ${u.role} ${u.org_role}`)
  const before = await shown()
  t.same(before, ['carol manager admin', 'bob member member'], 'in the order the fixture lists them')
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/members' })).status, 200)
  t.same(await shown(), before, 'a read again, unchanged')
  await call(app, DEV.admin, { method: 'POST', url: membersOf(research.id), payload: { users: [{ id: alice.id, role: 'admin' }] } })
  t.same(await shown(), [...before, 'alice admin owner'], 'a member added')
  await call(app, DEV.admin, { method: 'PUT', url: `${membersOf(research.id)}/${bob.id}`, payload: { role: 'manager' } })
  t.same(await shown(), ['carol manager admin', 'bob manager member', 'alice admin owner'], 'a role changed')
  await call(app, DEV.admin, { method: 'PUT', url: `/admin/users/${carol.id}`, payload: { role: 'member' } })
  t.same(await shown(), ['carol manager member', 'bob manager member', 'alice admin owner'], 'a user\'s own role changed')
  await call(app, DEV.admin, { method: 'DELETE', url: `${membersOf(research.id)}/${alice.id}` })
  t.same(await shown(), ['carol manager member', 'bob manager member'], 'a member removed')
  await call(app, DEV.admin, { method: 'DELETE', url: `/admin/users/${bob.id}` })
  t.same(await shown(), ['carol manager member'], 'a user deleted')
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/snapshots/members/restore' })).status, 200)
  t.same(await shown(), before, 'restored')
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/reset' })).status, 200)
  t.same(await shown(), before, 'reset')
})

t.test('workspace_users.* scopes; a workspace key manages only its own workspace\'s members', async t => {
  const app = await build(t)
  const manager = addKey(app, { type: 'workspace-service', scopes: ['workspace_users.list', 'workspace_users.create'] })
  t.equal((await call(app, manager.secret, { url: membersOf(shared.id) })).status, 200)
  t.equal((await call(app, manager.secret, { url: membersOf(research.id) })).status, 403, 'another workspace')
  t.equal((await call(app, manager.secret, { url: `${membersOf(shared.id)}/${alice.id}` })).status, 403, 'list does not imply read')
  t.equal((await call(app, manager.secret, { method: 'POST', url: membersOf(shared.id), payload: { users: [{ id: carol.id, role: 'member' }] } })).status, 200)
  t.equal((await call(app, DEV.user, { url: membersOf(shared.id) })).status, 403)
})

// portkey_workspace_member, as the Terraform provider's client sends it: POST {users: [{id, role}]}
// then GET the member; PUT {role} then GET; DELETE with no body; a 404 on read means gone.
t.test('the Terraform provider\'s workspace member flow: create, read, update, import, destroy', async t => {
  const app = await build(t)
  const headers = { 'content-type': 'application/json' }
  const member = `/v1/admin/workspaces/${shared.id}/users/${carol.id}`
  t.equal((await call(app, DEV.admin, { method: 'POST', url: membersOf(shared.id), headers, payload: { users: [{ id: carol.id, role: 'member' }] } })).status, 200)
  let read = (await call(app, DEV.admin, { url: member, headers })).body
  t.match(read, { id: carol.id, workspace_id: shared.id, role: 'member', email: 'carol@acme.test' })
  t.match(read.created_at, /Z$/)
  t.equal((await call(app, DEV.admin, { method: 'PUT', url: member, headers, payload: { role: 'admin' } })).status, 200)
  read = (await call(app, DEV.admin, { url: member, headers })).body
  t.equal(read.role, 'admin')
  t.same((await call(app, DEV.admin, { url: member, headers })).body, read, 'import reads the same state')
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: member, headers })).status, 200)
  t.equal((await call(app, DEV.admin, { url: member, headers })).status, 404, 'gone')
})

t.test('through the portkey-ai SDK over HTTP', async t => {
  const app = await build(t)
  const users = sdk(await listen(app), DEV.admin).admin.workspaces.users
  await users.create({ workspaceId: shared.id, users: [{ id: carol.id, role: 'admin' }] })
  const listed = await users.list({ workspaceId: shared.id })
  t.equal(listed.total, 3)
  t.match(await users.retrieve({ workspaceId: shared.id, userId: carol.id }), { id: carol.id, role: 'admin' })
  await users.update({ workspaceId: shared.id, userId: carol.id, role: 'member' })
  t.match(await users.retrieve({ workspaceId: shared.id, userId: carol.id }), { role: 'member' })
  await users.delete({ workspaceId: shared.id, userId: carol.id })
  t.equal((await users.list({ workspaceId: shared.id })).total, 2)
})
