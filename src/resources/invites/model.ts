import { table } from '../../db/table.js'
import type { Invite as InviteObject, InviteRole, WorkspaceApiKeyDetails, WorkspaceInvite } from '../../schemas/generated.js'
import { formatInstant } from '../../time.js'

/** How long an invite stays pending: a decision, Portkey's is unpublished. */
export const INVITE_LIFETIME_MS = 7 * 86_400_000

/** An invite as the store holds it; `expired` is not stored but derived from expires_at. */
export interface Invite {
  id: string
  organisation_id: string
  email: string
  role: InviteRole
  status: 'pending' | 'cancelled' | 'accepted'
  workspaces: WorkspaceInvite[]
  workspace_api_key_details: WorkspaceApiKeyDetails | null
  invited_by: string | null
  created_at: number
  expires_at: number
  accepted_at: number | null
}

export const invitesTable = table<Invite>('invites', {
  id: 'value', organisation_id: 'value', email: 'value', role: 'value', status: 'value', workspaces: 'json',
  workspace_api_key_details: 'json', invited_by: 'value', created_at: 'value', expires_at: 'value', accepted_at: 'value',
})

export const statusOf = (invite: Invite, now: number): InviteObject['status'] =>
  invite.status === 'pending' && invite.expires_at <= now ? 'expired' : invite.status

/** The one mapping from the store to Portkey's Invite. */
export function toInviteObject (invite: Invite, now: number): InviteObject {
  return {
    object: 'invite',
    id: invite.id,
    email: invite.email,
    role: invite.role,
    status: statusOf(invite, now),
    workspaces: invite.workspaces,
    workspace_api_key_details: invite.workspace_api_key_details,
    created_at: formatInstant(invite.created_at),
    expires_at: formatInstant(invite.expires_at),
    accepted_at: invite.accepted_at === null ? null : formatInstant(invite.accepted_at),
    invited_by: invite.invited_by,
  }
}
