import { forbidden } from '../../errors.js'
import type { Caller } from '../../platform/auth.js'
import { API_KEY_TYPES, type ApiKeyType } from './model.js'

// Who may do what to which API keys (CONFORMANCE §6). Scopes are per action and per target type,
// e.g. `workspace_user_api_keys.list`; holding `list` does not imply `read`.

const ACTIONS = ['list', 'read', 'create', 'update', 'delete', 'rotate'] as const
export type Action = typeof ACTIONS[number]

// Each scope's text made once, not on every request that asks for it.
const SCOPES = Object.fromEntries(API_KEY_TYPES.map(type =>
  [type, Object.fromEntries(ACTIONS.map(action => [action, `${type.replace('-', '_')}_api_keys.${action}`]))])) as Record<ApiKeyType, Record<Action, string>>

const scope = (type: ApiKeyType, action: Action) => SCOPES[type][action]

/** Workspace-user keys may not manage API keys at all. */
function assertManagesApiKeys (caller: Caller): void {
  if (caller.type === 'workspace-user') throw forbidden()
}

/**
 * The permit of an API-key operation: the caller may manage keys and holds one of these actions on
 * some type of key. Which type is needed, and whether the caller may see the target, is checked once
 * the request is known to be well formed.
 */
export const mayManageApiKeys = (...actions: Action[]) => {
  const allowing = API_KEY_TYPES.flatMap(type => actions.map(action => scope(type, action)))
  return (caller: Caller): void => {
    assertManagesApiKeys(caller)
    if (!allowing.some(allowed => caller.scopes.has(allowed))) throw forbidden()
  }
}

/** The caller must hold the scope for one of these actions on keys of this type. */
export function assertScope (caller: Caller, type: ApiKeyType, ...actions: Action[]): void {
  if (!actions.some(action => caller.scopes.has(scope(type, action)))) throw forbidden()
}

/**
 * The key types a list shows this caller: those it holds `list` for, one at least (the list's
 * permit, mayManageApiKeys('list'), refuses a caller that holds none). Never organisation keys to a
 * workspace key, which can hold no organisation scope (src/platform/access.ts, mayHold).
 */
export const listableTypes = (caller: Caller): ApiKeyType[] => API_KEY_TYPES.filter(type => caller.scopes.has(scope(type, 'list')))
