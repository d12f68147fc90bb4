import type { FastifyInstance, FastifyRequest } from 'fastify'
import { conflict, notFound } from '../../errors.js'
import { assertMayGrant, holds } from '../../platform/access.js'
import type { Caller } from '../../platform/auth.js'
import { listEnvelope, pageOf } from '../../platform/paging.js'
import { serve } from '../../platform/serve.js'
import { acceptInvite, createInvite, deleteInvite, listInvites, resendInvite, retrieveInvite } from '../../schemas/generated.js'
import { toUserObject, type User } from '../users/model.js'
import { INVITE_LIFETIME_MS, statusOf, toInviteObject, type Invite } from './model.js'

// Portkey's User-invites routes, under the organisation_users.* scopes, and the stand-in's own route
// that accepts an invite as its recipient would.
export default async function invites (app: FastifyInstance): Promise<void> {
  const { store, clock, random } = app

  function inviteOf (caller: Caller, id: string): Invite {
    const invite = store.invites.find(caller.organisationId, id)
    if (!invite) throw notFound(`Invite ${id} not found`)
    return invite
  }
  // The recipient's way in: the stand-in's accept route, on the host the client used.
  const linkTo = (request: FastifyRequest, invite: Invite) => `${request.protocol}://${request.host}/__mock/invites/${invite.id}/accept`

  // Built once: the invited person becomes a user and a member of the invite's workspaces that still exist.
  const accept = store.transaction((invite: Invite, user: User) => {
    store.users.insert(user)
    for (const named of invite.workspaces) {
      const workspace = store.workspaces.find(invite.organisation_id, named.id)
      if (workspace) store.members.insert({ workspace_id: workspace.id, user_id: user.id, role: named.role, created_at: user.created_at, last_updated_at: user.created_at })
    }
    store.invites.update({ ...invite, status: 'accepted', accepted_at: user.created_at })
  })

  serve(app, listInvites, holds('organisation_users.list'), ({ caller, query }) => {
    const now = clock.now()
    const status = query.status ?? null
    const { total, items } = store.invites.list({
      organisationId: caller.organisationId,
      role: query.role ?? null,
      email: query.email ?? null,
      status: status === 'expired' ? 'pending' : status,
      expiredBefore: status === 'expired' ? now : null,
      pendingAfter: status === 'pending' ? now : null,
    }, pageOf(query.pageSize, query.currentPage))
    return listEnvelope(total, items.map(invite => toInviteObject(invite, now)))
  })

  serve(app, createInvite, holds('organisation_users.create'), (request) => {
    const { caller, body } = request
    const now = clock.now()
    if (store.users.findByEmail(caller.organisationId, body.email)) throw conflict(`${body.email} is already a user`)
    if (store.invites.pendingFor(caller.organisationId, body.email, now)) throw conflict(`${body.email} already has a pending invite`)
    for (const named of body.workspaces ?? []) {
      if (!store.workspaces.find(caller.organisationId, named.id)) throw notFound(`Workspace ${named.id} not found`)
    }
    // The key the invited user will get holds only what the inviting key could grant.
    if (body.workspace_api_key_details) assertMayGrant(caller, 'workspace-user', body.workspace_api_key_details.scopes)
    const invite: Invite = {
      id: random.uuid(),
      organisation_id: caller.organisationId,
      email: body.email,
      role: body.role,
      status: 'pending',
      workspaces: body.workspaces ?? [],
      workspace_api_key_details: body.workspace_api_key_details ?? null,
      invited_by: null,
      created_at: now,
      expires_at: now + INVITE_LIFETIME_MS,
      accepted_at: null,
    }
    store.invites.insert(invite)
    const { id, ...rest } = toInviteObject(invite, now)
    return { id, invite_link: linkTo(request, invite), ...rest }
  })

  serve(app, retrieveInvite, holds('organisation_users.read'), ({ caller, params }) =>
    toInviteObject(inviteOf(caller, params.inviteId), clock.now()))

  serve(app, deleteInvite, holds('organisation_users.delete'), ({ caller, params }) => {
    store.invites.delete(inviteOf(caller, params.inviteId).id)
    return {}
  })

  serve(app, resendInvite, holds('organisation_users.create'), (request) => {
    const invite = inviteOf(request.caller, request.params.inviteId)
    const now = clock.now()
    const status = statusOf(invite, now)
    if (status !== 'pending' && status !== 'expired') throw conflict(`Invite ${invite.id} is ${status}`)
    store.invites.update({ ...invite, expires_at: now + INVITE_LIFETIME_MS })
    return { inviteLink: linkTo(request, invite) }
  })

  serve(app, acceptInvite, holds('organisation_users.create'), ({ caller, params, body }) => {
    const invite = inviteOf(caller, params.inviteId)
    const now = clock.now()
    const status = statusOf(invite, now)
    if (status !== 'pending') throw conflict(`Invite ${invite.id} is ${status}`)
    if (store.users.findByEmail(invite.organisation_id, invite.email)) throw conflict(`${invite.email} is already a user`)
    const user: User = {
      id: random.uuid(),
      organisation_id: invite.organisation_id,
      email: invite.email,
      first_name: body?.first_name ?? invite.email.split('@')[0],
      last_name: body?.last_name ?? '',
      role: invite.role,
      created_at: now,
      last_updated_at: now,
    }
    accept(invite, user)
    return toUserObject(user, store.users.workspaceIds(user.id))
  })
}
