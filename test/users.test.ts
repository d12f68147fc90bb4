import t from 'tap'
import { addKey, build, call, DEV, listen, SEED, sdk, TestClock } from './helper.js'

const { alice, bob, carol } = SEED.users
const { shared, research } = SEED.workspaces

t.test('users: newest first, paged by pageSize and currentPage, filtered by role and email', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, { url: '/v1/admin/users' })
  t.equal(status, 200)
  t.equal(body.total, 3)
  t.same(body.data.find((u: { id: string }) => u.id === bob.id), {
    object: 'user', id: bob.id, first_name: 'Bob', last_name: 'Builder', role: 'member', email: 'bob@acme.test',
    created_at: '2025-01-06T08:00:00.000Z', last_updated_at: '2025-01-06T08:00:00.000Z', workspace_ids: [shared.id, research.id],
  })
  const ids = async (query: string) => (await call(app, DEV.admin, { url: `/admin/users?${query}` })).body.data.map((u: { id: string }) => u.id)
  t.same(await ids('role=owner'), [alice.id])
  t.same(await ids('email=carol@acme.test'), [carol.id])
  t.equal((await ids('pageSize=2&currentPage=1')).length, 1, 'the camel-case spelling pages')
  t.equal((await ids('page_size=1')).length, 3, 'the snake-case spelling is not this route\'s: ignored')
  t.equal((await call(app, DEV.admin, { url: '/admin/users?pageSize=0' })).status, 400)
})

t.test('retrieve, change the role (answering the user), remove with keys and memberships; never the owner', async t => {
  const app = await build(t, { clock: new TestClock(Date.parse('2026-03-10T12:00:00.000Z')) })
  t.match((await call(app, DEV.admin, { url: `/admin/users/${carol.id}` })).body, { id: carol.id, role: 'admin', workspace_ids: [research.id] })
  const missing = await call(app, DEV.admin, { url: '/admin/users/00000000-0000-4000-8000-000000000000' })
  t.same([missing.status, missing.body.data.message], [404, 'User 00000000-0000-4000-8000-000000000000 not found'], 'named in the refusal')

  const updated = await call(app, DEV.admin, { method: 'PUT', url: `/admin/users/${carol.id}`, payload: { role: 'member' } })
  t.equal(updated.status, 200)
  t.match(updated.body, { id: carol.id, role: 'member', last_updated_at: '2026-03-10T12:00:00.000Z' })
  t.equal((await call(app, DEV.admin, { method: 'PUT', url: `/admin/users/${carol.id}`, payload: { role: 'owner' } })).status, 400)
  t.equal((await call(app, DEV.admin, { method: 'PUT', url: `/admin/users/${alice.id}`, payload: { role: 'member' } })).status, 409, 'the owner')
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/admin/users/${alice.id}` })).status, 409, 'the owner')

  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/admin/users/${carol.id}` })).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/admin/users/${carol.id}` })).status, 404)
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.carol}` })).status, 404, 'her user key went with her')
  t.equal((await call(app, DEV.admin, { url: `/admin/workspaces/${research.id}/users/${carol.id}` })).status, 404, 'and her membership')
  // Bob's key is Bob's: the dev user key (Alice's) still authenticates.
  t.equal((await call(app, DEV.user, { url: '/api-keys' })).status, 403)
})

t.test('users are for organisation keys holding organisation_users.*', async t => {
  const app = await build(t)
  t.equal((await call(app, DEV.workspace, { url: '/admin/users' })).status, 403)
  const reader = addKey(app, { type: 'organisation-service', scopes: ['organisation_users.read'] })
  t.equal((await call(app, reader.secret, { url: '/admin/users' })).status, 403, 'read does not imply list')
  t.equal((await call(app, reader.secret, { url: `/admin/users/${bob.id}` })).status, 200)
})

t.test('through the portkey-ai SDK over HTTP', async t => {
  const app = await build(t)
  const users = sdk(await listen(app), DEV.admin).admin.users
  t.equal((await users.list({})).total, 3)
  t.match(await users.retrieve({ userId: bob.id }), { email: 'bob@acme.test' })
  await users.update({ userId: bob.id, role: 'admin' })
  t.equal((await users.retrieve({ userId: bob.id })).role, 'admin')
  await users.delete({ userId: bob.id })
  t.equal((await users.list({})).total, 2)
})
