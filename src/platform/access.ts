import { forbidden, notFound } from '../errors.js'
import type { WorkspaceRepository } from '../resources/workspaces/repository.js'
import type { ApiKeyType } from '../resources/api-keys/model.js'
import type { Scope } from '../schemas/generated.js'
import type { Caller } from './auth.js'

// What every resource asks of a caller: its organisation, its workspace, and the scopes it may grant.

/**
 * Who may call an operation, decided from the caller alone. It runs before the body is read and the
 * input validated, so a caller without permission cannot make the server do that work, and learns
 * nothing about its input.
 */
export type Permit = (caller: Caller) => void

/** The permit of an operation that one scope allows. */
export const holds = (scope: Scope): Permit => (caller: Caller): void => {
  if (!caller.scopes.has(scope)) throw forbidden()
}

/** Something that belongs to an organisation and, perhaps, to one of its workspaces. */
export interface Owned {
  organisation_id: string
  workspace_id: string | null
}

/** Whether the caller may know it exists: its organisation, and its own workspace for a workspace key. */
const maySee = (caller: Caller, owned: Owned): boolean =>
  owned.organisation_id === caller.organisationId &&
  (caller.workspaceId === null || owned.workspace_id === caller.workspaceId)

/** What the caller may see; anything else is answered exactly as a missing one. */
export function visibleOr404<T extends Owned> (caller: Caller, found: T | undefined, missing: string): T {
  if (!found || !maySee(caller, found)) throw notFound(missing)
  return found
}

/**
 * The workspace a request is confined to: the caller's own for a workspace key (naming another is a
 * 403), the named one (UUID or slug) for an organisation key (404 if it has none such), or none.
 */
export function workspaceFor (workspaces: WorkspaceRepository, caller: Caller, named: string | undefined): string | null {
  if (named === undefined) return caller.workspaceId
  const workspace = workspaces.find(caller.organisationId, named)
  if (caller.workspaceId !== null) {
    if (workspace?.id !== caller.workspaceId) throw forbidden()
    return workspace.id
  }
  if (!workspace) throw notFound(`Workspace ${named} not found`)
  return workspace.id
}

/** Scopes that only an organisation key may hold (see the contract's Scope). */
const isOrganisationScope = (scope: string): boolean => scope.startsWith('organisation_') || scope.startsWith('workspaces.')

/** Whether a key of this type can hold the scope at all. */
export const mayHold = (type: ApiKeyType, scope: string): boolean => type === 'organisation-service' || !isOrganisationScope(scope)

/**
 * A key grants only scopes it holds itself, and only scopes the receiving key can hold: a workspace
 * key cannot hold organisation scopes. Scopes the receiving key has already are not being granted,
 * so an update that sends them back (as Terraform does) is not refused for them.
 */
export function assertMayGrant (caller: Caller, receiver: ApiKeyType, scopes: readonly string[], held: readonly string[] = []): void {
  for (const granted of scopes) {
    if (!mayHold(receiver, granted)) throw forbidden(`a ${receiver} key cannot hold ${granted}`)
    if (!held.includes(granted) && !caller.scopes.has(granted)) throw forbidden(`${granted} cannot be granted by a key that does not hold it`)
  }
}
