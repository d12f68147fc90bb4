import { table } from '../../db/table.js'
import type { OrganisationRole, User as UserObject } from '../../schemas/generated.js'
import { formatInstant } from '../../time.js'

/** A user as the store holds it, a field a column; timestamps in epoch milliseconds. */
export interface User {
  id: string
  organisation_id: string
  email: string
  first_name: string
  last_name: string
  role: OrganisationRole
  created_at: number
  last_updated_at: number
}

export const usersTable = table<User>('users', {
  id: 'value', organisation_id: 'value', email: 'value', first_name: 'value', last_name: 'value', role: 'value',
  created_at: 'value', last_updated_at: 'value',
})

/** The one mapping from the store to Portkey's User. */
export function toUserObject (user: User, workspaceIds: string[]): UserObject {
  return {
    object: 'user',
    id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    role: user.role,
    email: user.email,
    created_at: formatInstant(user.created_at),
    last_updated_at: formatInstant(user.last_updated_at),
    workspace_ids: workspaceIds,
  }
}
