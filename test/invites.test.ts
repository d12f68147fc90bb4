import t from 'tap'
import { addKey, build, call, DEV, listen, SEED, sdk, TestClock } from './helper.js'

const NOW = Date.parse('2026-03-10T12:00:00.000Z')
const DAY = 86_400_000
const { research } = SEED.workspaces
const invite = (payload: object) => ({ method: 'POST' as const, url: '/v1/admin/users/invites', payload })

t.test('the seeded invites: one pending with every field, one expired by the clock', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const { status, body } = await call(app, DEV.admin, { url: '/admin/users/invites' })
  t.equal(status, 200)
  t.equal(body.total, 2)
  t.same(body.data[0], {
    object: 'invite', id: SEED.invites.dave, email: 'dave@acme.test', role: 'member', status: 'pending',
    workspaces: [{ id: research.slug, role: 'member' }], workspace_api_key_details: { scopes: ['completions.write'] },
    created_at: '2025-08-01T09:00:00.000Z', expires_at: '2099-08-08T09:00:00.000Z', accepted_at: null, invited_by: SEED.users.alice.id,
  })
  t.equal(body.data[1].status, 'expired')
  const emails = async (query: string) => (await call(app, DEV.admin, { url: `/admin/users/invites?${query}` })).body.data.map((i: { email: string }) => i.email)
  t.same(await emails('status=expired'), ['erin@acme.test'])
  t.same(await emails('status=pending'), ['dave@acme.test'])
  t.same(await emails('role=admin'), ['erin@acme.test'])
  t.same(await emails('pageSize=1&currentPage=1'), ['erin@acme.test'])
})

t.test('invite, read, resend, accept: the invited person becomes a user and a member', async t => {
  const clock = new TestClock(NOW)
  const app = await build(t, { clock })
  const created = await call(app, DEV.admin, invite({ email: 'frank@acme.test', role: 'member', workspaces: [{ id: research.id, role: 'manager' }] }))
  t.equal(created.status, 200)
  t.match(created.body, { email: 'frank@acme.test', status: 'pending', created_at: '2026-03-10T12:00:00.000Z', expires_at: '2026-03-17T12:00:00.000Z' })
  t.match(created.body.invite_link, new RegExp(`/__mock/invites/${created.body.id}/accept$`))
  const id = created.body.id
  t.equal((await call(app, DEV.admin, invite({ email: 'frank@acme.test', role: 'admin' }))).status, 409, 'one pending invite an address')
  t.equal((await call(app, DEV.admin, invite({ email: 'bob@acme.test', role: 'admin' }))).status, 409, 'already a user')
  t.equal((await call(app, DEV.admin, invite({ email: 'x@acme.test', role: 'member', workspaces: [{ id: 'ws-nope-000000', role: 'member' }] }))).status, 404)

  clock.ms += 8 * DAY
  t.equal((await call(app, DEV.admin, { url: `/admin/users/invites/${id}` })).body.status, 'expired')
  t.equal((await call(app, DEV.admin, { method: 'POST', url: `/__mock/invites/${id}/accept` })).status, 409, 'an expired invite cannot be accepted')
  const resent = await call(app, DEV.admin, { method: 'POST', url: `/admin/users/invites/${id}/resend` })
  t.equal(resent.status, 200)
  t.equal(resent.body.inviteLink, created.body.invite_link, 'the link the invite was made with')
  t.equal((await call(app, DEV.admin, { url: `/admin/users/invites/${id}` })).body.status, 'pending', 'pending again')

  const accepted = await call(app, DEV.admin, { method: 'POST', url: `/__mock/invites/${id}/accept`, payload: { first_name: 'Frank', last_name: 'Fisher' } })
  t.equal(accepted.status, 200)
  t.match(accepted.body, { object: 'user', email: 'frank@acme.test', first_name: 'Frank', role: 'member' })
  t.same(accepted.body.workspace_ids, [research.id])
  t.match((await call(app, DEV.admin, { url: `/admin/users/invites/${id}` })).body, { status: 'accepted', accepted_at: '2026-03-18T12:00:00.000Z' })
  t.match((await call(app, DEV.admin, { url: `/admin/workspaces/${research.id}/users/${accepted.body.id}` })).body, { role: 'manager' })
  const key = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/workspace/user', payload: { name: 'f', scopes: [], workspace_id: research.id, user_id: accepted.body.id } })
  t.equal(key.status, 200, 'the new member can be given a user key')
  t.equal((await call(app, DEV.admin, { method: 'POST', url: `/admin/users/invites/${id}/resend` })).status, 409, 'an accepted invite is not resent')
})

t.test('an invite accepted after one of its workspaces was deleted makes a member of the others only', async t => {
  const app = await build(t)
  const { shared } = SEED.workspaces
  const doomed = (await call(app, DEV.admin, { method: 'POST', url: '/admin/workspaces', payload: { name: 'Doomed' } })).body
  const workspaces = [{ id: doomed.slug, role: 'member' }, { id: shared.id, role: 'admin' }]
  const { id } = (await call(app, DEV.admin, invite({ email: 'hana@acme.test', role: 'member', workspaces }))).body
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/admin/workspaces/${doomed.id}` })).status, 200)
  const accepted = await call(app, DEV.admin, { method: 'POST', url: `/__mock/invites/${id}/accept` })
  t.equal(accepted.status, 200)
  t.same([accepted.body.first_name, accepted.body.last_name], ['hana', ''], 'named by the address, when the accept sends no name')
  t.same(accepted.body.workspace_ids, [shared.id])
  t.match((await call(app, DEV.admin, { url: `/admin/workspaces/${shared.id}/users/${accepted.body.id}` })).body, { role: 'admin' })
  t.same((await call(app, DEV.admin, { url: `/admin/users/invites/${id}` })).body.workspaces, workspaces, 'the invite still names both, as sent')
})

t.test('an invite to someone who has become a user meanwhile, through another invite, cannot be accepted', async t => {
  const clock = new TestClock(NOW)
  const app = await build(t, { clock })
  const first = (await call(app, DEV.admin, invite({ email: 'gina@acme.test', role: 'member' }))).body.id
  clock.ms += 8 * DAY
  const second = (await call(app, DEV.admin, invite({ email: 'gina@acme.test', role: 'admin' }))).body.id
  t.equal((await call(app, DEV.admin, { method: 'POST', url: `/__mock/invites/${second}/accept` })).status, 200)
  t.equal((await call(app, DEV.admin, { method: 'POST', url: `/admin/users/invites/${first}/resend` })).status, 200, 'the lapsed one is resent')
  const late = await call(app, DEV.admin, { method: 'POST', url: `/__mock/invites/${first}/accept` })
  t.same([late.status, late.body.data.message], [409, 'gina@acme.test is already a user'])
  t.equal((await call(app, DEV.admin, { url: '/admin/users?pageSize=100' })).body.data.filter((u: { email: string }) => u.email === 'gina@acme.test').length, 1, 'one user, not two')
})

t.test('an invite grants only scopes the inviting key holds, and only workspace scopes', async t => {
  const app = await build(t)
  const inviter = addKey(app, { type: 'organisation-service', scopes: ['organisation_users.create', 'completions.write'] })
  const payload = (scopes: string[]) => invite({ email: 'g@acme.test', role: 'member', workspace_api_key_details: { scopes } })
  t.equal((await call(app, inviter.secret, payload(['logs.view']))).status, 403)
  t.equal((await call(app, DEV.admin, payload(['workspaces.create']))).status, 403, 'no organisation scope on a user key')
  t.equal((await call(app, inviter.secret, payload(['completions.write']))).status, 200)
})

// portkey_user_invite, as the Terraform provider's client sends it: POST, then reads status,
// created_at and expires_at from the answer; GET to refresh; DELETE, after which a read is a 404.
t.test('the Terraform provider\'s invite flow: create, read, import, destroy', async t => {
  const app = await build(t, { clock: new TestClock(NOW) })
  const headers = { 'content-type': 'application/json' }
  const created = await call(app, DEV.admin, { ...invite({ email: 'tf@acme.test', role: 'member', workspaces: [{ id: research.id, role: 'admin' }], workspace_api_key_details: { scopes: ['completions.write'] } }), headers })
  t.equal(created.status, 200)
  for (const field of ['id', 'status', 'created_at', 'expires_at']) t.ok(created.body[field], `${field} in the answer to create`)
  const read = (await call(app, DEV.admin, { url: `/v1/admin/users/invites/${created.body.id}`, headers })).body
  const { invite_link: _, ...fromCreate } = created.body
  t.same(read, fromCreate, 'a read gives what create answered')
  t.same(read.workspaces, [{ id: research.id, role: 'admin' }], 'workspaces read back as sent')
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/v1/admin/users/invites/${created.body.id}`, headers })).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/v1/admin/users/invites/${created.body.id}`, headers })).status, 404, 'gone')
})

t.test('through the portkey-ai SDK over HTTP', async t => {
  const app = await build(t)
  const base = await listen(app)
  const invites = sdk(base, DEV.admin).admin.users.invites
  const created = await invites.create({ email: 'sdk@acme.test', role: 'member', workspaces: [{ id: research.slug, role: 'member' }] })
  t.ok(created.id)
  t.equal(created.invite_link, `${base}/__mock/invites/${created.id}/accept`, 'the link is on the host and port the client used')
  t.equal((await invites.list({})).total, 3)
  t.match(await invites.retrieve({ inviteId: created.id as string }), { email: 'sdk@acme.test' })
  await invites.resend({ inviteId: created.id as string })
  await invites.delete({ inviteId: created.id as string })
  t.equal((await invites.list({})).total, 2)
})
