import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { build, call, DEV, SEED } from './helper.js'

// Lists are newest first, ties of created_at broken by id; a workspace's members and a user's
// workspaces, in the order they joined. Under --deterministic's frozen clock whatever a test does
// shares one time, and a list must still show the order it was done in: the ids count up, and
// memberships are numbered as they are made.

type Made = { id: string }
type List = { data: Made[] }

/** A person invited and accepted: a new user of the seed's organisation. */
async function person (app: FastifyInstance, i: number): Promise<string> {
  const invite = await call(app, DEV.admin, { method: 'POST', url: '/v1/admin/users/invites', payload: { email: `person${i}@acme.test`, role: 'member' } })
  const user = await call(app, DEV.admin, { method: 'POST', url: `/__mock/invites/${(invite.body as Made).id}/accept`, payload: {} })
  return (user.body as Made).id
}

const made = (url: string, payload: (i: number) => object) => async (app: FastifyInstance, i: number): Promise<string> =>
  ((await call(app, DEV.admin, { method: 'POST', url, payload: payload(i) })).body as Made).id

const LISTS: { name: string, list: string, make: (app: FastifyInstance, i: number) => Promise<string> }[] = [
  { name: 'API keys', list: '/v1/api-keys?page_size=100', make: made('/v1/api-keys/organisation/service', i => ({ name: `key ${i}`, scopes: ['logs.view'] })) },
  { name: 'workspaces', list: '/v1/admin/workspaces?page_size=100', make: made('/v1/admin/workspaces', i => ({ name: `workspace ${i}` })) },
  { name: 'configs', list: '/v1/configs?page_size=100', make: made('/v1/configs', i => ({ name: `config ${i}`, config: { retry: { attempts: i } } })) },
  { name: 'invites', list: '/v1/admin/users/invites?pageSize=100', make: made('/v1/admin/users/invites', i => ({ email: `person${i}@acme.test`, role: 'member' })) },
  { name: 'users', list: '/v1/admin/users?pageSize=100', make: person },
]

for (const { name, list, make } of LISTS) {
  t.test(`under --deterministic, ${name} made in turn are listed the last made first, before all the seed holds`, async t => {
    const app = await build(t, { config: { deterministic: true } })
    const ids: string[] = []
    for (let i = 0; i < 6; i++) ids.push(await make(app, i))
    t.equal(new Set(ids).size, ids.length, 'each made')
    const { body } = await call(app, DEV.admin, { url: list })
    t.same((body as List).data.map(item => item.id).slice(0, ids.length), [...ids].reverse())
  })
}

t.test('members who joined in the same millisecond are listed in the order they joined, as a page and with their workspace', async t => {
  const app = await build(t, { config: { deterministic: true } })
  const people: string[] = []
  for (let i = 0; i < 6; i++) people.push(await person(app, i))
  const workspace = (await call(app, DEV.admin, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Joiners' } })).body as Made
  // Three join one at a time, then three in one request, in the order sent.
  const joined = [people[4], people[1], people[5], people[0], people[3], people[2]]
  for (const id of joined.slice(0, 3)) {
    t.equal((await call(app, DEV.admin, { method: 'POST', url: `/v1/admin/workspaces/${workspace.id}/users`, payload: { users: [{ id, role: 'member' }] } })).status, 200)
  }
  const rest = joined.slice(3).map(id => ({ id, role: 'member' }))
  t.equal((await call(app, DEV.admin, { method: 'POST', url: `/v1/admin/workspaces/${workspace.id}/users`, payload: { users: rest } })).status, 200)
  t.notSame([...joined].sort(), joined, 'their ids alone would list them in another order')
  const page = (await call(app, DEV.admin, { url: `/v1/admin/workspaces/${workspace.id}/users?page_size=100` })).body as List
  t.same(page.data.map(member => member.id), joined, 'a page of members')
  const read = (await call(app, DEV.admin, { url: `/v1/admin/workspaces/${workspace.id}` })).body as { users: Made[] }
  t.same(read.users.map(member => member.id), joined, 'the workspace with its members')
})

t.test('a user\'s workspaces are listed in the order the user joined them', async t => {
  const app = await build(t, { config: { deterministic: true } })
  const { carol } = SEED.users
  const before = (await call(app, DEV.admin, { url: `/v1/admin/users/${carol.id}` })).body as { workspace_ids: string[] }
  const joined: string[] = []
  for (let i = 0; i < 6; i++) {
    const workspace = (await call(app, DEV.admin, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: `Joined ${i}` } })).body as Made
    joined.push(workspace.id)
  }
  joined.reverse()
  for (const id of joined) {
    t.equal((await call(app, DEV.admin, { method: 'POST', url: `/v1/admin/workspaces/${id}/users`, payload: { users: [{ id: carol.id, role: 'member' }] } })).status, 200)
  }
  t.notSame([...joined].sort(), joined, 'their ids alone would list them in another order')
  const user = (await call(app, DEV.admin, { url: `/v1/admin/users/${carol.id}` })).body as { workspace_ids: string[] }
  t.same(user.workspace_ids, [...before.workspace_ids, ...joined])
})
