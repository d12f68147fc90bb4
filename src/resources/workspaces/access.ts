import { forbidden } from '../../errors.js'
import type { Caller } from '../../platform/auth.js'
import type { Workspace } from './model.js'
import type { WorkspaceRepository } from './repository.js'

/**
 * A workspace named in a path (UUID or slug) that the caller can reach: its organisation's, and its
 * own for a workspace key. Anything else, missing included, is a 403: the live API answers so, and
 * the Terraform provider reads it as "gone".
 */
export function reachableWorkspace (workspaces: WorkspaceRepository, caller: Caller, named: string): Workspace {
  const workspace = workspaces.find(caller.organisationId, named)
  if (!workspace || (caller.workspaceId !== null && workspace.id !== caller.workspaceId)) throw forbidden()
  return workspace
}
