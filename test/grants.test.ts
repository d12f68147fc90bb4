import t from 'tap'
import { addKey, build, call, DEV, SEED } from './helper.js'

// A key never gives another key, or itself, more than it was given.

const WS = SEED.workspaces.shared.id
const createIn = (payload: object) => ({ method: 'POST' as const, url: '/api-keys/workspace/service', payload: { name: 'k', workspace_id: WS, ...payload } })

t.test('a key cannot create a key with a scope it does not hold', async t => {
  const app = await build(t)
  const creator = addKey(app, { type: 'workspace-service', scopes: ['workspace_service_api_keys.create'] })
  const escalating = await call(app, creator.secret, createIn({ scopes: ['workspace_service_api_keys.delete'] }))
  t.equal(escalating.status, 403)
  t.equal(escalating.body.data.errorCode, 'AB03')
  t.match(escalating.body.data.message, /^You do not have enough permissions to execute this request: workspace_service_api_keys\.delete/)
  const count = (await call(app, DEV.admin, { url: '/api-keys' })).body.total
  t.equal(count, 11, 'nothing was created')

  const same = await call(app, creator.secret, createIn({ scopes: ['workspace_service_api_keys.create'] }))
  t.equal(same.status, 200, 'what it holds, it may grant')
  const none = await call(app, creator.secret, createIn({ scopes: [] }))
  t.equal(none.status, 200)
})

t.test('the created key cannot then do what its creator could not', async t => {
  const app = await build(t)
  const creator = addKey(app, { type: 'workspace-service', scopes: ['workspace_service_api_keys.create', 'workspace_service_api_keys.read'] })
  const child = (await call(app, creator.secret, createIn({ scopes: ['workspace_service_api_keys.read'] }))).body
  t.equal((await call(app, child.key, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.sharedCi}` })).status, 403)
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.sharedCi}` })).status, 200, 'the target is still there')
})

t.test('a key cannot add a scope to itself, nor to another key, that it does not hold', async t => {
  const app = await build(t)
  const self = addKey(app, { type: 'workspace-service', scopes: ['workspace_service_api_keys.update', 'workspace_service_api_keys.read'] })
  const onItself = await call(app, self.secret, { method: 'PUT', url: `/api-keys/${self.id}`, payload: { scopes: [...self.key.scopes, 'workspace_service_api_keys.delete'] } })
  t.equal(onItself.status, 403)
  t.match(onItself.body.data.message, 'workspace_service_api_keys.delete')
  t.equal((await call(app, self.secret, { method: 'DELETE', url: `/api-keys/${SEED.apiKeys.sharedCi}` })).status, 403, 'it still cannot delete')
  t.same((await call(app, DEV.admin, { url: `/api-keys/${self.id}` })).body.scopes, self.key.scopes, 'its scopes are as they were')

  const onOther = await call(app, self.secret, { method: 'PUT', url: `/api-keys/${SEED.apiKeys.sharedCi}`, payload: { scopes: ['completions.write', 'logs.export'] } })
  t.equal(onOther.status, 403, 'logs.export is not its to grant')
})

t.test('scopes the target already holds may be sent back, and any scope may be removed', async t => {
  const app = await build(t)
  const editor = addKey(app, { type: 'workspace-service', scopes: ['workspace_service_api_keys.update'] })
  // The seeded CI key holds completions.write, which the editor does not: an update that keeps it
  // (Terraform sends every scope on every update) is no grant.
  const kept = await call(app, editor.secret, { method: 'PUT', url: `/api-keys/${SEED.apiKeys.sharedCi}`, payload: { name: 'renamed', scopes: ['completions.write'] } })
  t.equal(kept.status, 200)
  const removed = await call(app, editor.secret, { method: 'PUT', url: `/api-keys/${SEED.apiKeys.sharedCi}`, payload: { scopes: [] } })
  t.equal(removed.status, 200)
  const back = await call(app, editor.secret, { method: 'PUT', url: `/api-keys/${SEED.apiKeys.sharedCi}`, payload: { scopes: ['completions.write'] } })
  t.equal(back.status, 403, 'once removed, it is a grant again')
})

t.test('a workspace key cannot hold organisation scopes, whoever grants them', async t => {
  const app = await build(t)
  for (const scope of ['organisation_service_api_keys.list', 'workspaces.create', 'organisation_users.read']) {
    const byAdmin = await call(app, DEV.admin, createIn({ scopes: [scope] }))
    t.equal(byAdmin.status, 403, `${scope} on create`)
    t.match(byAdmin.body.data.message, `a workspace-service key cannot hold ${scope}`)
    const onUpdate = await call(app, DEV.admin, { method: 'PUT', url: `/api-keys/${SEED.apiKeys.sharedCi}`, payload: { scopes: [scope] } })
    t.equal(onUpdate.status, 403, `${scope} on update`)
  }
  const orgKey = await call(app, DEV.admin, { method: 'POST', url: '/api-keys/organisation/service', payload: { name: 'o', scopes: ['organisation_service_api_keys.list', 'workspaces.create'] } })
  t.equal(orgKey.status, 200, 'an organisation key may hold them')
})

t.test('an unknown scope is a 400 naming it', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, createIn({ scopes: ['completions.write', 'api_keys.godmode'] }))
  t.equal(status, 400)
  t.equal(body.data.message, 'Invalid body field scopes[1]: "api_keys.godmode" is not one of the values the contract allows')
  const long = await call(app, DEV.admin, createIn({ scopes: [`api_keys.${'x'.repeat(300)}`] }))
  t.equal(long.body.data.message, `Invalid body field scopes[0]: "api_keys.${'x'.repeat(90)} is not one of the values the contract allows`, 'a long one cut at 100 characters')
})
