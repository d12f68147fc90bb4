import type { FastifyInstance } from 'fastify'
import { conflict, forbidden, invalidField } from '../../errors.js'
import { assertMayGrant, visibleOr404, workspaceFor } from '../../platform/access.js'
import type { Caller } from '../../platform/auth.js'
import { listEnvelope, pageOf } from '../../platform/paging.js'
import { serve } from '../../platform/serve.js'
import { createApiKey, deleteApiKey, listApiKeys, retrieveApiKey, RotateApiKeyRequest, rotateApiKey, updateApiKey } from '../../schemas/generated.js'
import { generateSecret, hashSecret, maskSecret } from '../../secrets.js'
import { formatInstant, LATEST } from '../../time.js'
import { assertScope, listableTypes, mayManageApiKeys } from './access.js'
import { newApiKey, toApiKeyObject, type ApiKey } from './model.js'
import { applyUpdate, assertConfigUsable, assertUnchanged, keyTypeOf, ownerOfNewKey, settingsOf } from './rules.js'

const DEFAULT_TRANSITION_MS = RotateApiKeyRequest.properties.key_transition_period_ms.default as number

// Portkey's Api-Keys routes. Each handler reads: permit (before the body) -> what the caller may
// see and do to this key -> the rules across fields -> the repository -> the API's shape.
export default async function apiKeys (app: FastifyInstance): Promise<void> {
  const { store, random } = app
  const { clock } = app

  const visibleKey = (caller: Caller, id: string): ApiKey => visibleOr404(caller, store.apiKeys.findById(id), `API key ${id} not found`)

  serve(app, listApiKeys, mayManageApiKeys('list'), ({ caller, query }) => {
    const { total, keys } = store.apiKeys.list({
      organisationId: caller.organisationId,
      workspaceId: workspaceFor(store.workspaces, caller, query.workspace_id),
      types: listableTypes(caller),
      ...pageOf(query.page_size, query.current_page),
    })
    const now = clock.now()
    return listEnvelope(total, keys.map(key => toApiKeyObject(key, now)))
  })

  serve(app, retrieveApiKey, mayManageApiKeys('read'), ({ caller, params }) => {
    const key = visibleKey(caller, params.id)
    assertScope(caller, key.type, 'read')
    return toApiKeyObject(key, clock.now())
  })

  serve(app, createApiKey, mayManageApiKeys('create'), ({ caller, params, body }) => {
    const type = keyTypeOf(params.type, params.sub_type)
    // This refuses a workspace key an organisation key too: it can hold no organisation scope.
    assertScope(caller, type, 'create')
    if (body.organisation_id !== undefined && body.organisation_id !== caller.organisationId) throw forbidden()
    const owner = ownerOfNewKey(store, caller, type, body)
    if (body.defaults?.config_id != null) assertConfigUsable(store.configs, { organisation_id: caller.organisationId, ...owner }, body.defaults.config_id)
    assertMayGrant(caller, type, body.scopes)

    const now = clock.now()
    const secret = generateSecret(random)
    const key = newApiKey({
      id: random.uuid(),
      organisation_id: caller.organisationId,
      ...owner,
      type,
      name: body.name,
      description: body.description ?? null,
      masked_key: maskSecret(secret),
      scopes: body.scopes,
      created_at: now,
      ...settingsOf(body, now, random.uuid),
    })
    store.apiKeys.insert(key, hashSecret(secret))
    return { id: key.id, key: secret, object: 'api-key' as const }
  })

  serve(app, updateApiKey, mayManageApiKeys('update'), ({ caller, params, body }) => {
    const key = visibleKey(caller, params.id)
    assertScope(caller, key.type, 'update')
    assertUnchanged(store.workspaces, key, body)
    if (body.defaults?.config_id != null) assertConfigUsable(store.configs, key, body.defaults.config_id)
    if (body.scopes !== undefined) assertMayGrant(caller, key.type, body.scopes, key.scopes)
    store.apiKeys.update(applyUpdate(key, body, clock.now(), random.uuid))
    return {}
  })

  serve(app, deleteApiKey, mayManageApiKeys('delete'), ({ caller, params }) => {
    const key = visibleKey(caller, params.id)
    assertScope(caller, key.type, 'delete')
    store.apiKeys.delete(key.id)
    return {}
  })

  // Portkey's docs grant rotation with `*.rotate`, its Terraform provider with `*.update`: either will do.
  serve(app, rotateApiKey, mayManageApiKeys('rotate', 'update'), ({ caller, params, body }) => {
    const key = visibleKey(caller, params.id)
    assertScope(caller, key.type, 'rotate', 'update')
    const now = clock.now()
    const underway = store.apiKeys.transitionEnd(key.id, now)
    if (underway !== undefined) throw conflict(`API key ${key.id} is already being rotated until ${formatInstant(underway)}`)
    const transitionEnd = now + (body?.key_transition_period_ms ?? DEFAULT_TRANSITION_MS)
    if (transitionEnd > LATEST) throw invalidField('key_transition_period_ms', `the transition would end after ${formatInstant(LATEST)}`)
    // Rendered before the write, so that nothing is committed that cannot be answered.
    const answer = { id: key.id, key: generateSecret(random), key_transition_expires_at: formatInstant(transitionEnd) }
    store.apiKeys.rotate({ ...key, masked_key: maskSecret(answer.key), last_updated_at: now }, hashSecret(answer.key), transitionEnd)
    return answer
  })
}
