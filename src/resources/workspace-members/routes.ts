import type { FastifyInstance } from 'fastify'
import { conflict, notFound } from '../../errors.js'
import { holds } from '../../platform/access.js'
import type { Caller } from '../../platform/auth.js'
import { listEnvelope, pageOf } from '../../platform/paging.js'
import { serve } from '../../platform/serve.js'
import {
  addWorkspaceMembers, listWorkspaceMembers, removeWorkspaceMember, retrieveWorkspaceMember, updateWorkspaceMember,
} from '../../schemas/generated.js'
import { userOfOrganisation } from '../users/access.js'
import { reachableWorkspace } from '../workspaces/access.js'
import type { Workspace } from '../workspaces/model.js'
import { toWorkspaceMember, type Member, type MemberOfUser } from './model.js'

// Portkey's workspace-members routes: which users of the organisation belong to a workspace, and in
// which role. The workspace is reached as by the Workspaces routes (403 otherwise); a user who is not
// a member of it is a 404.
export default async function workspaceMembers (app: FastifyInstance): Promise<void> {
  const { store, clock } = app

  const reachable = (caller: Caller, named: string): Workspace => reachableWorkspace(store.workspaces, caller, named)
  function memberOf (workspace: Workspace, userId: string): MemberOfUser {
    const member = store.members.find(workspace.id, userId)
    if (!member) throw notFound(`User ${userId} is not a member of workspace ${workspace.slug}`)
    return member
  }

  // Built once: all the users join, or none; a user who leaves takes their user keys of it along.
  const insertAll = store.transaction((added: Member[]) => { for (const member of added) store.members.insert(member) })
  const removeWithKeys = store.transaction((workspaceId: string, userId: string) => {
    store.apiKeys.deleteOfMember(workspaceId, userId)
    store.members.delete(workspaceId, userId)
  })

  serve(app, listWorkspaceMembers, holds('workspace_users.list'), ({ caller, params, query }) => {
    const workspace = reachable(caller, params.workspaceId)
    const { total, items } = store.members.list(
      { workspaceId: workspace.id, role: query.role ?? null, email: query.email ?? null },
      pageOf(query.page_size, query.current_page))
    return listEnvelope(total, items.map(toWorkspaceMember))
  })

  serve(app, addWorkspaceMembers, holds('workspace_users.create'), ({ caller, params, body }) => {
    const workspace = reachable(caller, params.workspaceId)
    const now = clock.now()
    const seen = new Set<string>()
    const added = body.users.map(({ id, role }): Member => {
      userOfOrganisation(store.users, caller, id)
      if (seen.has(id) || store.members.find(workspace.id, id)) throw conflict(`User ${id} is already a member of workspace ${workspace.slug}`)
      seen.add(id)
      return { workspace_id: workspace.id, user_id: id, role, created_at: now, last_updated_at: now }
    })
    insertAll(added)
    return {}
  })

  serve(app, retrieveWorkspaceMember, holds('workspace_users.read'), ({ caller, params }) =>
    toWorkspaceMember(memberOf(reachable(caller, params.workspaceId), params.userId)))

  serve(app, updateWorkspaceMember, holds('workspace_users.update'), ({ caller, params, body }) => {
    const member = memberOf(reachable(caller, params.workspaceId), params.userId)
    store.members.setRole(member.workspace_id, member.user_id, body.role, clock.now())
    return {}
  })

  serve(app, removeWorkspaceMember, holds('workspace_users.delete'), ({ caller, params }) => {
    const member = memberOf(reachable(caller, params.workspaceId), params.userId)
    removeWithKeys(member.workspace_id, member.user_id)
    return {}
  })
}
