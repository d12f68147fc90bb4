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

/**
 * The check made before a request's body is read or anything is validated: the caller may manage
 * keys and holds one of these actions on some type of key. Which type is needed, and whether the
 * caller may see the target, is checked once the request is known to be well formed.
 */
export const mayManageApiKeys = (...actions: Action[]) => (caller: Caller): void => {
  assertManagesApiKeys(caller)
  if (!API_KEY_TYPES.some(type => actions.some(action => caller.scopes.has(scope(type, action))))) throw forbidden()
}

/** Scopes that only an organisation key may hold (see the contract's Scope). */
export const isOrganisationScope = (scope: string): boolean => scope.startsWith('organisation_') || scope.startsWith('workspaces.')

/**
 * A key grants only scopes it holds itself, and only scopes the receiving key can hold: a workspace
 * key cannot hold organisation scopes. Scopes the receiving key has already are not being granted,
 * so an update that sends them back (as Terraform does) is not refused for them.
 */
export function assertMayGrant (caller: Caller, receiver: ApiKeyType, scopes: readonly string[], held: readonly string[] = []): void {
  for (const granted of scopes) {
    if (receiver !== 'organisation-service' && isOrganisationScope(granted)) throw forbidden(`a ${receiver} key cannot hold ${granted}`)
    if (!held.includes(granted) && !caller.scopes.has(granted)) throw forbidden(`${granted} cannot be granted by a key that does not hold it`)
  }
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
