import { table, view } from '../../db/table.js'
import type { OrganisationRole, WorkspaceMember, WorkspaceRole } from '../../schemas/generated.js'
import { formatInstant } from '../../time.js'

/** A user's membership of a workspace, as the store holds it. */
export interface Member {
  workspace_id: string
  user_id: string
  role: WorkspaceRole
  created_at: number
  last_updated_at: number
}

export const membersTable = table<Member>('workspace_members', {
  workspace_id: 'value', user_id: 'value', role: 'value', created_at: 'value', last_updated_at: 'value',
})

/** A membership with what it shows of its user. */
export interface MemberOfUser extends Member {
  first_name: string
  last_name: string
  email: string
  org_role: OrganisationRole
}

export const workspaceUsersView = view<MemberOfUser>('workspace_users', {
  workspace_id: 'value', user_id: 'value', role: 'value', created_at: 'value', last_updated_at: 'value',
  first_name: 'value', last_name: 'value', email: 'value', org_role: 'value',
})

/** The one mapping from the store to Portkey's WorkspaceMember. */
export function toWorkspaceMember (member: MemberOfUser): WorkspaceMember {
  return {
    object: 'workspace-user',
    id: member.user_id,
    first_name: member.first_name,
    last_name: member.last_name,
    org_role: member.org_role,
    role: member.role,
    created_at: formatInstant(member.created_at),
    last_updated_at: formatInstant(member.last_updated_at),
    status: 'active',
    workspace_id: member.workspace_id,
    email: member.email,
    scopes: [],
    settings: null,
  }
}
