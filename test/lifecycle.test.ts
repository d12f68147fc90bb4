// A user's integration test: create, use, change, rotate and delete a key through the real SDK.
import t from 'tap'
import { AuthenticationError, NotFoundError } from 'portkey-ai/dist/src/error.js'
import { build, DEV, listen, sdk, SEED } from './helper.js'

type Created = { id: string, key: string, object: string }
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error)
// What the server sent: the SDK adds a getHeaders() method to every result.
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown

t.test('create, retrieve, list, use, update, rotate and delete through portkey-ai', async t => {
  const url = await listen(await build(t))
  const admin = sdk(url, DEV.admin)

  const created = await admin.apiKeys.create({
    type: 'workspace', 'sub-type': 'service', name: 'from the SDK', workspace_id: SEED.workspaces.research.slug,
    scopes: ['workspace_service_api_keys.list', 'workspace_service_api_keys.read'],
    rate_limits: [{ type: 'requests', unit: 'rpm', value: 60 }],
  }) as unknown as Created
  t.equal(created.object, 'api-key')

  const read = await admin.apiKeys.retrieve({ id: created.id }) as unknown as Record<string, unknown>
  t.match(read, { id: created.id, name: 'from the SDK', type: 'workspace-service', workspace_id: SEED.workspaces.research.id, creation_mode: 'api' })

  const own = sdk(url, created.key)
  const seen = await own.apiKeys.list({}) as unknown as { total: number, data: { id: string }[] }
  t.ok(seen.data.some(k => k.id === created.id), 'the new key lists its own workspace, itself included')

  const updated = await admin.apiKeys.update({ id: created.id, name: 'renamed', usage_limits: { credit_limit: 5, periodic_reset: 'monthly' } })
  t.same(json(updated), {}, 'update answers {}')
  t.match(await admin.apiKeys.retrieve({ id: created.id }), { name: 'renamed', usage_limits: { credit_limit: 5, type: null, periodic_reset: 'monthly' } })

  // The SDK has no rotate method: plain HTTP, as a user would.
  const rotated = await fetch(`${url}/v1/api-keys/${created.id}/rotate`, {
    method: 'POST', headers: { 'x-portkey-api-key': DEV.admin, 'content-type': 'application/json' }, body: '{}',
  })
  t.equal(rotated.status, 200)
  const { key: newSecret } = await rotated.json() as { key: string }
  t.ok(await sdk(url, newSecret).apiKeys.list({}), 'the new secret works')
  t.ok(await own.apiKeys.list({}), 'the old one too, during the transition')

  t.same(json(await admin.apiKeys.delete({ id: created.id })), {})
  t.type(await failure(admin.apiKeys.retrieve({ id: created.id })), NotFoundError)
  t.type(await failure(sdk(url, newSecret).apiKeys.list({})), AuthenticationError)
  t.type(await failure(admin.apiKeys.delete({ id: created.id })), NotFoundError)
})

t.test('a user key and an organisation key through the SDK', async t => {
  const url = await listen(await build(t))
  const admin = sdk(url, DEV.admin)
  const user = await admin.apiKeys.create({
    type: 'workspace', 'sub-type': 'user', name: 'alice cli', scopes: ['completions.write'],
    workspace_id: SEED.workspaces.shared.id, user_id: SEED.users.alice.id,
  }) as unknown as Created
  t.match(await admin.apiKeys.retrieve({ id: user.id }), { type: 'workspace-user', user_id: SEED.users.alice.id })
  const org = await admin.apiKeys.create({ type: 'organisation', 'sub-type': 'service', name: 'ops', scopes: [] }) as unknown as Created
  t.match(await admin.apiKeys.retrieve({ id: org.id }), { type: 'organisation-service', workspace_id: null })
})
