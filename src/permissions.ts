import type { ApiKey, ApiKeyType, Credential } from './db/api-keys.js'
import { API_KEY_TYPES } from './db/api-keys.js'
import { forbidden } from './errors.js'

// Who may do what to which API keys (CONFORMANCE §6). Scopes are per action and per target type,
// e.g. `workspace_user_api_keys.list`; holding `list` does not imply `read`.

export type Action = 'list' | 'read' | 'create' | 'update' | 'delete' | 'rotate'

/** The authenticated key behind a request. */
export interface Caller {
  apiKeyId: string
  type: ApiKeyType
  organisationId: string
  workspaceId: string | null
  scopes: ReadonlySet<string>
}

export const callerOf = (key: Credential): Caller => ({
  apiKeyId: key.id,
  type: key.type,
  organisationId: key.organisation_id,
  workspaceId: key.workspace_id,
  scopes: new Set(key.scopes),
})

const scope = (type: ApiKeyType, action: Action) => `${type.replace('-', '_')}_api_keys.${action}`

/** Workspace-user keys may not manage API keys at all. */
export function assertManagesApiKeys (caller: Caller): void {
  if (caller.type === 'workspace-user') throw forbidden()
}

/** The caller must hold the scope for one of these actions on keys of this type. */
export function assertScope (caller: Caller, type: ApiKeyType, ...actions: Action[]): void {
  if (!actions.some(action => caller.scopes.has(scope(type, action)))) throw forbidden()
}

/** Whether the caller may know the key exists: its organisation, and its workspace for a workspace key. */
export const maySee = (caller: Caller, key: ApiKey): boolean =>
  key.organisation_id === caller.organisationId &&
  (caller.workspaceId === null || key.workspace_id === caller.workspaceId)

/** The key types a list shows this caller: those it holds `list` for and could see at all. */
export function listableTypes (caller: Caller): ApiKeyType[] {
  const types = API_KEY_TYPES.filter(type =>
    caller.scopes.has(scope(type, 'list')) && (caller.workspaceId === null || type !== 'organisation-service'))
  if (types.length === 0) throw forbidden()
  return types
}
