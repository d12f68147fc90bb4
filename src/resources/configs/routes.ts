import type { FastifyInstance } from 'fastify'
import { conflict, counted, missingField } from '../../errors.js'
import { holds, visibleOr404, workspaceFor } from '../../platform/access.js'
import type { Caller } from '../../platform/auth.js'
import { listEnvelope, pageOf } from '../../platform/paging.js'
import { serve } from '../../platform/serve.js'
import { slugFor } from '../../platform/slugs.js'
import { createConfig, deleteConfig, listConfigs, listConfigVersions, retrieveConfig, updateConfig } from '../../schemas/generated.js'
import { toConfigDetail, toConfigSummary, toConfigVersion, type Config } from './model.js'

// Portkey's Configs routes. A config belongs to a workspace; it is named by its slug (or UUID). An
// organisation key sees the organisation's configs, a workspace key its workspace's; any other is a 404.
export default async function configs (app: FastifyInstance): Promise<void> {
  const { store, clock, random } = app

  const visibleConfig = (caller: Caller, slug: string): Config => visibleOr404(caller, store.configs.find(caller.organisationId, slug), `Config ${slug} not found`)

  serve(app, listConfigs, holds('configs.list'), ({ caller, query }) => {
    const { total, items } = store.configs.list(
      { organisationId: caller.organisationId, workspaceId: workspaceFor(store.workspaces, caller, query.workspace_id) },
      pageOf(query.page_size, query.current_page))
    return { success: true as const, ...listEnvelope(total, items.map(toConfigSummary)) }
  })

  serve(app, createConfig, holds('configs.create'), ({ caller, body }) => {
    // The named workspace, the caller's own, or the organisation's default one. An empty workspace_id,
    // which Portkey's own example of this request sends, names none.
    const workspaceId = workspaceFor(store.workspaces, caller, body.workspace_id || undefined) ?? store.workspaces.defaultOf(caller.organisationId)?.id
    if (workspaceId === undefined) throw missingField('workspace_id')
    const now = clock.now()
    const config: Config = {
      id: random.uuid(),
      organisation_id: caller.organisationId,
      workspace_id: workspaceId,
      slug: slugFor('pc', body.name, 'config', random, slug => store.configs.find(caller.organisationId, slug) !== undefined),
      name: body.name,
      is_default: body.isDefault ?? 0,
      status: 'active',
      config: body.config,
      version_id: random.uuid(),
      created_at: now,
      last_updated_at: now,
    }
    store.configs.insert(config)
    return { success: true as const, data: { id: config.id, version_id: config.version_id }, id: config.id, slug: config.slug, version_id: config.version_id }
  })

  serve(app, retrieveConfig, holds('configs.read'), ({ caller, params }) => toConfigDetail(visibleConfig(caller, params.slug)))

  serve(app, updateConfig, holds('configs.update'), ({ caller, params, body }) => {
    const config = visibleConfig(caller, params.slug)
    const next: Config = {
      ...config,
      name: body.name ?? config.name,
      config: body.config ?? config.config,
      status: body.status ?? config.status,
      version_id: random.uuid(),
      last_updated_at: clock.now(),
    }
    store.configs.update(next)
    return { success: true as const, data: { version_id: next.version_id }, version_id: next.version_id }
  })

  serve(app, deleteConfig, holds('configs.delete'), ({ caller, params }) => {
    const config = visibleConfig(caller, params.slug)
    const users = store.apiKeys.countNamingConfig(config.organisation_id, config.slug, config.id)
    if (users > 0) throw conflict(`Config ${config.slug} is the default config of ${counted(users, 'API key')}; change ${users === 1 ? 'its' : 'their'} defaults first`)
    store.configs.delete(config.id)
    return {}
  })

  serve(app, listConfigVersions, holds('configs.read'), ({ caller, params }) => {
    const config = visibleConfig(caller, params.slug)
    const versions = store.configs.versions(config.id)
    return listEnvelope(versions.length, versions.map(version => toConfigVersion(config, version)))
  })
}
