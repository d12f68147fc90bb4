import type { FastifyInstance } from 'fastify'
import { authenticate } from '../authenticate.js'
import { toApiKeyObject } from '../db/api-keys.js'
import { forbidden, notFound } from '../errors.js'
import { assertManagesApiKeys, assertScope, listableTypes, maySee, type Caller } from '../permissions.js'
import { listApiKeys, retrieveApiKey } from '../schemas/generated.js'
import { serve } from './operation.js'

// Portkey's Api-Keys routes. Every one acts as the key in x-portkey-api-key.
export default async function apiKeys (app: FastifyInstance): Promise<void> {
  const { organisations, apiKeys } = app.store
  const { clock } = app
  app.addHook('onRequest', authenticate)

  // The workspace a list is confined to: the caller's own for a workspace key (naming another is a
  // 403), the named one (UUID or slug) for an organisation key, or none.
  function listWorkspace (caller: Caller, named: string | undefined): string | null {
    if (named === undefined) return caller.workspaceId
    const workspace = organisations.findWorkspace(caller.organisationId, named)
    if (caller.workspaceId !== null) {
      if (workspace?.id !== caller.workspaceId) throw forbidden()
      return workspace.id
    }
    if (!workspace) throw notFound(`Workspace ${named} not found`)
    return workspace.id
  }

  serve(app, listApiKeys, async (request) => {
    const { caller } = request
    assertManagesApiKeys(caller)
    const { page_size: pageSize = 50, current_page: currentPage = 0, workspace_id: named } = request.query
    const { total, keys } = apiKeys.list({
      organisationId: caller.organisationId,
      workspaceId: listWorkspace(caller, named),
      types: listableTypes(caller),
      limit: pageSize,
      offset: pageSize * currentPage,
    })
    const now = clock.now()
    return { total, object: 'list' as const, data: keys.map(key => toApiKeyObject(key, now)) }
  })

  serve(app, retrieveApiKey, async (request) => {
    const { caller } = request
    assertManagesApiKeys(caller)
    const key = apiKeys.findById(request.params.id)
    if (!key || !maySee(caller, key)) throw notFound(`API key ${request.params.id} not found`)
    assertScope(caller, key.type, 'read')
    return toApiKeyObject(key, clock.now())
  })
}
