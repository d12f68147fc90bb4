import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { applyUpdate, settingsOf } from '../api-key-fields.js'
import { authenticate } from '../authenticate.js'
import { newApiKey, toApiKeyObject, type ApiKey, type ApiKeyType } from '../db/api-keys.js'
import { badRequest, conflict, forbidden, notFound } from '../errors.js'
import { assertMayGrant, assertScope, listableTypes, mayManageApiKeys, maySee, type Caller } from '../permissions.js'
import { createApiKey, deleteApiKey, listApiKeys, retrieveApiKey, rotateApiKey, updateApiKey } from '../schemas/generated.js'
import { generateSecret, hashSecret, maskSecret } from '../secrets.js'
import { formatInstant, LATEST } from '../time.js'
import { serve } from './operation.js'

const DEFAULT_TRANSITION_MS = 1_800_000
const KEY_TYPES: Record<string, ApiKeyType | undefined> = {
  'organisation/service': 'organisation-service',
  'workspace/service': 'workspace-service',
  'workspace/user': 'workspace-user',
}

// Portkey's Api-Keys routes. Every one acts as the key in x-portkey-api-key.
export default async function apiKeys (app: FastifyInstance): Promise<void> {
  const { organisations, apiKeys } = app.store
  const { clock } = app
  app.addHook('onRequest', authenticate)

  // The workspace a request is confined to: the caller's own for a workspace key (naming another is
  // a 403), the named one (UUID or slug) for an organisation key, or none.
  function workspaceFor (caller: Caller, named: string | undefined): string | null {
    if (named === undefined) return caller.workspaceId
    const workspace = organisations.findWorkspace(caller.organisationId, named)
    if (caller.workspaceId !== null) {
      if (workspace?.id !== caller.workspaceId) throw forbidden()
      return workspace.id
    }
    if (!workspace) throw notFound(`Workspace ${named} not found`)
    return workspace.id
  }

  // A key the caller may know of; any other is answered as missing.
  function visibleKey (caller: Caller, id: string): ApiKey {
    const key = apiKeys.findById(id)
    if (!key || !maySee(caller, key)) throw notFound(`API key ${id} not found`)
    return key
  }

  serve(app, listApiKeys, mayManageApiKeys('list'), async (request) => {
    const { caller } = request
    const { page_size: pageSize = 50, current_page: currentPage = 0, workspace_id: named } = request.query
    const { total, keys } = apiKeys.list({
      organisationId: caller.organisationId,
      workspaceId: workspaceFor(caller, named),
      types: listableTypes(caller),
      limit: pageSize,
      offset: pageSize * currentPage,
    })
    const now = clock.now()
    return { total, object: 'list' as const, data: keys.map(key => toApiKeyObject(key, now)) }
  })

  serve(app, retrieveApiKey, mayManageApiKeys('read'), async (request) => {
    const { caller } = request
    const key = visibleKey(caller, request.params.id)
    assertScope(caller, key.type, 'read')
    return toApiKeyObject(key, clock.now())
  })

  serve(app, createApiKey, mayManageApiKeys('create'), async (request) => {
    const { caller, body } = request
    const type = KEY_TYPES[`${request.params.type}/${request.params.sub_type}`]
    if (!type) throw badRequest('Invalid path parameter sub_type: organisation keys are service keys only')
    if (caller.workspaceId !== null && type === 'organisation-service') throw forbidden()
    assertScope(caller, type, 'create')
    if (body.organisation_id !== undefined && body.organisation_id !== caller.organisationId) throw forbidden()

    let workspaceId: string | null = null
    if (type !== 'organisation-service') {
      workspaceId = workspaceFor(caller, body.workspace_id)
      if (workspaceId === null) throw badRequest('Missing body field workspace_id')
    } else if (body.workspace_id !== undefined) {
      throw badRequest('Invalid body field workspace_id: organisation keys belong to no workspace')
    }
    let userId: string | null = null
    if (type === 'workspace-user') {
      if (body.user_id === undefined) throw badRequest('Missing body field user_id')
      if (!organisations.findUser(caller.organisationId, body.user_id)) throw notFound(`User ${body.user_id} not found`)
      userId = body.user_id
    } else if (body.user_id !== undefined) {
      throw badRequest('Invalid body field user_id: only user keys belong to a user')
    }
    assertMayGrant(caller, type, body.scopes)

    const now = clock.now()
    const secret = generateSecret()
    const key = newApiKey({
      id: randomUUID(),
      organisation_id: caller.organisationId,
      workspace_id: workspaceId,
      user_id: userId,
      type,
      name: body.name,
      description: body.description ?? null,
      masked_key: maskSecret(secret),
      scopes: body.scopes,
      created_at: now,
      ...settingsOf(body, now),
    })
    apiKeys.insert(key, hashSecret(secret))
    return { id: key.id, key: secret, object: 'api-key' as const }
  })

  serve(app, updateApiKey, mayManageApiKeys('update'), async (request) => {
    const { caller, body } = request
    const key = visibleKey(caller, request.params.id)
    assertScope(caller, key.type, 'update')
    // Clients echo what a key is; a different value would be a change, and these cannot change.
    if (body.id !== undefined && body.id !== key.id) throw badRequest('Invalid body field id: must be the id in the path')
    for (const field of ['type', 'organisation_id', 'user_id'] as const) {
      if (body[field] !== undefined && body[field] !== key[field]) throw badRequest(`Invalid body field ${field}: cannot change`)
    }
    if (body.workspace_id !== undefined && body.workspace_id !== key.workspace_id &&
      (body.workspace_id === null || organisations.findWorkspace(key.organisation_id, body.workspace_id)?.id !== key.workspace_id)) {
      throw badRequest('Invalid body field workspace_id: cannot change')
    }
    if (body.scopes !== undefined) assertMayGrant(caller, key.type, body.scopes, key.scopes)
    apiKeys.update(applyUpdate(key, body, clock.now()))
    return {}
  })

  serve(app, deleteApiKey, mayManageApiKeys('delete'), async (request) => {
    const { caller } = request
    const key = visibleKey(caller, request.params.id)
    assertScope(caller, key.type, 'delete')
    apiKeys.delete(key.id)
    return {}
  })

  // Portkey's docs grant rotation with `*.rotate`, its Terraform provider with `*.update`: either will do.
  serve(app, rotateApiKey, mayManageApiKeys('rotate', 'update'), async (request) => {
    const { caller } = request
    const key = visibleKey(caller, request.params.id)
    assertScope(caller, key.type, 'rotate', 'update')
    const now = clock.now()
    const underway = apiKeys.transitionEnd(key.id, now)
    if (underway !== undefined) throw conflict(`API key ${key.id} is already being rotated until ${new Date(underway).toISOString()}`)
    const transitionEnd = now + (request.body?.key_transition_period_ms ?? DEFAULT_TRANSITION_MS)
    if (transitionEnd > LATEST) throw badRequest(`Invalid body field key_transition_period_ms: the transition would end after ${formatInstant(LATEST)}`)
    const answer = { id: key.id, key: generateSecret(), key_transition_expires_at: formatInstant(transitionEnd) }
    apiKeys.rotate({ ...key, masked_key: maskSecret(answer.key), last_updated_at: now }, hashSecret(answer.key), transitionEnd)
    return answer
  })
}
