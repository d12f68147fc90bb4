import t from 'tap'
import { addKey, build, call, DEV, listen, SEED, sdk, tenantFrom, TestClock } from './helper.js'

const { shared, research } = SEED.workspaces
const NOW = Date.parse('2026-03-10T12:00:00.000Z')
const CONFIG = { retry: { attempts: 2 }, targets: [{ provider: 'openai', virtual_key: 'vk-1' }] }

t.test('list: newest first, by workspace; each answer also carries Portkey\'s documented success flag', async t => {
  const app = await build(t)
  const { status, body } = await call(app, DEV.admin, { url: '/v1/configs' })
  t.equal(status, 200)
  t.match(body, { success: true, total: 2, object: 'list' })
  t.same(body.data.map((c: { slug: string }) => c.slug), [SEED.configs.research.slug, SEED.configs.shared.slug])
  t.same(body.data[1], {
    id: SEED.configs.shared.id, slug: SEED.configs.shared.slug, name: 'Shared default', workspace_id: shared.id,
    organisation_id: SEED.organisation.id, is_default: 1, status: 'active', owner_id: null, updated_by: null,
    created_at: '2025-01-06T08:00:00.000Z', last_updated_at: '2025-01-06T08:00:00.000Z', object: 'config',
  })
  t.equal((await call(app, DEV.admin, { url: `/configs?workspace_id=${research.slug}` })).body.total, 1)
  const workspaceKey = addKey(app, { type: 'workspace-service', scopes: ['configs.list', 'configs.read'] })
  t.same((await call(app, workspaceKey.secret, { url: '/configs' })).body.data.map((c: { slug: string }) => c.slug), [SEED.configs.shared.slug], 'a workspace key sees its own')
  t.equal((await call(app, workspaceKey.secret, { url: `/configs/${SEED.configs.research.slug}` })).status, 404, 'and no other')
  t.equal((await call(app, DEV.user, { url: '/configs' })).status, 403)
})

t.test('create keeps isDefault, and names by its own word a config whose name has no letter or digit', async t => {
  const app = await build(t)
  const created = await call(app, DEV.admin, { method: 'POST', url: '/v1/configs', payload: { name: '🚀 !!', config: CONFIG, isDefault: 1 } })
  t.equal(created.status, 200)
  t.match(created.body.slug, /^pc-config-[0-9a-f]{6}$/)
  t.equal((await call(app, DEV.admin, { url: `/configs/${created.body.slug}` })).body.is_default, 1)
})

t.test('create, read (top level and under data), update makes versions, delete', async t => {
  const clock = new TestClock(NOW)
  const app = await build(t, { clock })
  const created = await call(app, DEV.admin, { method: 'POST', url: '/v1/configs', payload: { name: 'Prod routing', config: CONFIG, workspace_id: research.slug } })
  t.equal(created.status, 200)
  t.match(created.body.slug, /^pc-prod-routing-[0-9a-f]{6}$/)
  t.same(created.body.data, { id: created.body.id, version_id: created.body.version_id })
  const { slug } = created.body

  const read = (await call(app, DEV.admin, { url: `/configs/${slug}` })).body
  t.match(read, { id: created.body.id, slug, name: 'Prod routing', workspace_id: research.id, is_default: 0, status: 'active', format: 'json', type: 'ORG_CONFIG', version_id: created.body.version_id, success: true })
  t.same(read.config, CONFIG, 'kept as sent')
  const { success: _, data, ...topLevel } = read
  t.same(data, topLevel, 'the same config under data')
  t.equal((await call(app, DEV.admin, { url: `/configs/${created.body.id}` })).status, 200, 'by UUID too')

  clock.ms += 60_000
  const updated = await call(app, DEV.admin, { method: 'PUT', url: `/configs/${slug}`, payload: { config: { retry: { attempts: 5 } } } })
  t.equal(updated.status, 200)
  t.not(updated.body.version_id, created.body.version_id)
  t.same(updated.body.data, { version_id: updated.body.version_id })
  clock.ms += 60_000
  const renamed = await call(app, DEV.admin, { method: 'PUT', url: `/configs/${slug}`, payload: { name: 'Prod', status: 'archived' } })
  const versions = (await call(app, DEV.admin, { url: `/configs/${slug}/versions` })).body
  t.equal(versions.total, 3, 'every update is a version')
  t.same(versions.data.map((v: { name: string }) => v.name), ['Prod', 'Prod routing', 'Prod routing'])
  t.same(versions.data.map((v: { last_updated_at: string }) => v.last_updated_at),
    ['2026-03-10T12:02:00.000Z', '2026-03-10T12:01:00.000Z', '2026-03-10T12:00:00.000Z'], 'each when it was saved')
  t.same(JSON.parse(versions.data[2].config), CONFIG, 'the first version saved the first config')
  t.same(versions.data.map((v: { version_id: string }) => v.version_id), [renamed.body.version_id, updated.body.version_id, created.body.version_id], 'each by the version_id its create or update answered')
  t.same(versions.data.map(({ id, type, object }: Record<string, string>) => ({ id, type, object })), Array(3).fill({ id: created.body.id, type: 'ORG_CONFIG', object: 'config' }), 'each the config, as Portkey\'s document shows a version')
  t.match((await call(app, DEV.admin, { url: `/configs/${slug}` })).body, { name: 'Prod', status: 'archived', config: { retry: { attempts: 5 } } })

  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/configs/${slug}` })).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/configs/${slug}` })).status, 404)
  t.equal((await call(app, DEV.admin, { url: `/configs/${slug}/versions` })).status, 404)
})

t.test('without a workspace_id an organisation key\'s config goes to the default workspace', async t => {
  const app = await build(t)
  const { body } = await call(app, DEV.admin, { method: 'POST', url: '/configs', payload: { name: 'x', config: {} } })
  t.equal((await call(app, DEV.admin, { url: `/configs/${body.slug}` })).body.workspace_id, shared.id)
  // Portkey's own example of this request, word for word: its empty workspace_id names none.
  const example = await call(app, DEV.admin, { method: 'POST', url: '/configs', payload: { name: 'New config', config: { retry: { attempts: 3 } }, workspace_id: '', isDefault: 1 } })
  t.equal(example.status, 200, 'Portkey\'s example is taken')
  t.match((await call(app, DEV.admin, { url: `/configs/${example.body.slug}` })).body, { workspace_id: shared.id, is_default: 1 }, 'into the default workspace')
  t.equal((await call(app, DEV.admin, { method: 'POST', url: '/configs', payload: { name: 'x' } })).status, 400, 'config is required')
})

t.test('the default workspace is the one flagged so, wherever the organisation lists it', async t => {
  const { app, tenant } = await tenantFrom(t, {
    created_at: '2026-01-01T00:00:00Z',
    workspaces: [{ name: 'First', slug: 'ws-first' }, { name: 'Second', slug: 'ws-second', is_default: true, created_at: '2026-02-01T00:00:00Z' }],
    users: [{ email: 'owner@tenant.test', role: 'owner' }],
    api_keys: [{ name: 'k', type: 'organisation-service', secret: 'tenant-config-secret-01' }],
  })
  const { body } = await call(app, 'tenant-config-secret-01', { method: 'POST', url: '/v1/configs', payload: { name: 'x', config: {} } })
  const second = tenant.workspaces.find((w: { slug: string }) => w.slug === 'ws-second')
  t.equal((await call(app, 'tenant-config-secret-01', { url: `/v1/configs/${body.slug}` })).body.workspace_id, second.id)
})

t.test('an API key\'s defaults.config_id names a config its workspace can use; a config in use is not deleted', async t => {
  const app = await build(t)
  const key = (workspace: string, configId: string) => call(app, DEV.admin, {
    method: 'POST', url: '/api-keys/workspace/service', payload: { name: 'k', scopes: [], workspace_id: workspace, defaults: { config_id: configId } },
  })
  const ok = await key(research.id, SEED.configs.research.slug)
  t.equal(ok.status, 200)
  t.match((await call(app, DEV.admin, { url: `/api-keys/${ok.body.id}` })).body.api_key_defaults_id, /^[0-9a-f-]{36}$/, 'a key with defaults gets an api_key_defaults_id')
  const other = await key(research.id, SEED.configs.shared.slug)
  t.equal(other.status, 400)
  t.match(other.body.data.message, /defaults\.config_id/)
  t.equal((await key(research.id, 'pc-nope-000000')).status, 400)
  t.equal((await call(app, DEV.admin, { method: 'PUT', url: `/api-keys/${SEED.apiKeys.sharedCi}`, payload: { defaults: { config_id: SEED.configs.research.slug } } })).status, 400)

  const inUse = await call(app, DEV.admin, { method: 'DELETE', url: `/configs/${SEED.configs.research.slug}` })
  t.equal(inUse.status, 409)
  t.match(inUse.body.data.message, /default config of 2 API keys/)

  // Named by one key alone, a config is in use just the same.
  const config = (await call(app, DEV.admin, { method: 'POST', url: '/configs', payload: { name: 'one', config: {}, workspace_id: research.id } })).body
  t.equal((await key(research.id, config.slug)).status, 200)
  const named = await call(app, DEV.admin, { method: 'DELETE', url: `/configs/${config.slug}` })
  t.equal(named.status, 409)
  t.equal(named.body.data.message, `Config ${config.slug} is the default config of 1 API key; change its defaults first`)
  t.equal((await call(app, DEV.admin, { url: `/configs/${config.slug}` })).status, 200, 'and it is still there')
})

t.test('a workspace\'s configs are dependents: deleting it needs force_delete, which takes them along', async t => {
  const app = await build(t)
  const { body } = await call(app, DEV.admin, { method: 'POST', url: '/admin/workspaces', payload: { name: 'With config' } })
  const config = (await call(app, DEV.admin, { method: 'POST', url: '/configs', payload: { name: 'c', config: {}, workspace_id: body.id } })).body
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/admin/workspaces/${body.id}` })).status, 409)
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/admin/workspaces/${body.id}`, payload: { force_delete: true } })).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/configs/${config.slug}` })).status, 404)
})

// portkey_config and the API key acceptance test withConfigID, as the Terraform provider sends
// them: POST /configs and read id, slug, version_id from the top level; GET /configs/{slug}; PUT;
// then a key whose defaults name the config; destroy the key, then the config.
t.test('the Terraform provider\'s config flow, and a key pointing at the config', async t => {
  const app = await build(t)
  const headers = { 'content-type': 'application/json' }
  const created = (await call(app, DEV.admin, { method: 'POST', url: '/v1/configs', headers, payload: { name: 'tf-config', config: CONFIG, workspace_id: research.id } })).body
  for (const field of ['id', 'slug', 'version_id']) t.ok(created[field], `${field} at the top level`)
  const read = async () => (await call(app, DEV.admin, { url: `/v1/configs/${created.slug}`, headers })).body
  const state = await read()
  t.same(state.config, CONFIG)
  t.equal(state.workspace_id, research.id)
  const updated = (await call(app, DEV.admin, { method: 'PUT', url: `/v1/configs/${created.slug}`, headers, payload: { name: 'tf-config', config: { retry: { attempts: 1 } } } })).body
  t.equal((await read()).version_id, updated.version_id, 'the version the update answered is the one read back')
  t.same(await read(), await read(), 'import reads the same state')

  const key = await call(app, DEV.admin, { method: 'POST', url: '/v1/api-keys/workspace/service', headers, payload: { name: 'with-config', scopes: ['completions.write'], workspace_id: research.id, defaults: { config_id: created.slug } } })
  t.equal(key.status, 200)
  t.equal((await call(app, DEV.admin, { url: `/v1/api-keys/${key.body.id}`, headers })).body.defaults.config_id, created.slug)
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/v1/api-keys/${key.body.id}`, headers })).status, 200)
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/v1/configs/${created.slug}`, headers })).status, 200)
  t.equal((await call(app, DEV.admin, { url: `/v1/configs/${created.slug}`, headers })).status, 404, 'gone')
})

t.test('through the portkey-ai SDK over HTTP', async t => {
  const app = await build(t)
  const configs = sdk(await listen(app), DEV.admin).configs
  const created = await configs.create({ name: 'sdk config', config: CONFIG, workspace_id: research.id }) as unknown as { slug: string }
  t.match(await configs.retrieve({ slug: created.slug }), { name: 'sdk config' })
  await configs.update({ slug: created.slug, name: 'renamed' })
  t.match(await configs.retrieve({ slug: created.slug }), { name: 'renamed' })
  t.equal(((await configs.list({})) as unknown as { total: number }).total, 3)
  await configs.delete({ slug: created.slug })
  t.equal(((await configs.list({})) as unknown as { total: number }).total, 2)
})
