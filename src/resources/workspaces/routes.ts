import type { FastifyInstance } from 'fastify'
import { conflict, counted, invalidField } from '../../errors.js'
import { holds } from '../../platform/access.js'
import type { Caller } from '../../platform/auth.js'
import { listEnvelope, pageOf } from '../../platform/paging.js'
import { serve } from '../../platform/serve.js'
import { slugFor } from '../../platform/slugs.js'
import { createWorkspace, deleteWorkspace, listWorkspaces, retrieveWorkspace, updateWorkspace } from '../../schemas/generated.js'
import { userOfOrganisation } from '../users/access.js'
import { toWorkspaceMember } from '../workspace-members/model.js'
import { newWorkspace, toWorkspaceObject, toWorkspaceWithUsers, type Workspace } from './model.js'
import { reachableWorkspace } from './access.js'
import { applyUpdate, settingsOf } from './rules.js'

// Portkey's Workspaces routes. A workspace is named by its UUID or its slug.
export default async function workspaces (app: FastifyInstance): Promise<void> {
  const { store, clock, random } = app

  const reachable = (caller: Caller, named: string): Workspace => reachableWorkspace(store.workspaces, caller, named)

  // Built once: a workspace with its members, and a workspace with everything in it.
  const insertWithMembers = store.transaction((workspace: Workspace, userIds: string[]) => {
    store.workspaces.insert(workspace)
    for (const userId of userIds) {
      store.members.insert({ workspace_id: workspace.id, user_id: userId, role: 'member', created_at: workspace.created_at, last_updated_at: workspace.created_at })
    }
  })
  const deleteWithDependents = store.transaction((id: string) => {
    store.apiKeys.deleteInWorkspace(id)
    store.configs.deleteInWorkspace(id)
    store.members.deleteIn(id)
    store.workspaces.delete(id)
  })

  serve(app, listWorkspaces, holds('workspaces.list'), ({ caller, query }) => {
    // No workspace is ever archived here: asking only for archived ones finds none.
    if (query.status !== undefined && !query.status.split(',').includes('active')) return listEnvelope(0, [])
    const { total, items } = store.workspaces.list({
      organisationId: caller.organisationId,
      workspaceId: caller.workspaceId,
      name: query.name ?? null,
      exactName: query.exact_name ?? null,
    }, pageOf(query.page_size, query.current_page))
    return listEnvelope(total, items.map(toWorkspaceObject))
  })

  serve(app, createWorkspace, holds('workspaces.create'), ({ caller, body }) => {
    const userIds = [...new Set(body.users ?? [])]
    for (const userId of userIds) userOfOrganisation(store.users, caller, userId)
    const workspace = newWorkspace({
      id: random.uuid(),
      organisation_id: caller.organisationId,
      slug: slugFor('ws', body.name, 'workspace', random, slug => store.workspaces.find(caller.organisationId, slug) !== undefined),
      name: body.name,
      ...settingsOf(body),
      created_at: clock.now(),
    })
    insertWithMembers(workspace, userIds)
    return toWorkspaceObject(workspace)
  })

  serve(app, retrieveWorkspace, holds('workspaces.read'), ({ caller, params }) => {
    const workspace = reachable(caller, params.workspaceId)
    return toWorkspaceWithUsers(workspace, store.members.ofWorkspace(workspace.id).map(toWorkspaceMember))
  })

  serve(app, updateWorkspace, holds('workspaces.update'), ({ caller, params, body }) => {
    store.workspaces.update(applyUpdate(reachable(caller, params.workspaceId), body, clock.now()))
    return {}
  })

  serve(app, deleteWorkspace, holds('workspaces.delete'), ({ caller, params, query, body }) => {
    const workspace = reachable(caller, params.workspaceId)
    if (body?.name !== undefined && body.name !== workspace.name) throw invalidField('name', 'must be the name of the workspace being deleted')
    if (workspace.is_default === 1) throw conflict('The default workspace of an organisation cannot be deleted')
    const keys = store.apiKeys.countInWorkspace(workspace.organisation_id, workspace.id)
    const memberCount = store.members.countIn(workspace.id)
    const configCount = store.configs.countInWorkspace(workspace.id)
    if (!(body?.force_delete ?? query.force_delete ?? false) && keys + memberCount + configCount > 0) {
      throw conflict(`Unable to delete: workspace ${workspace.slug} still has ${counted(keys, 'API key')}, ${counted(configCount, 'config')} and ${counted(memberCount, 'member')}. ` +
        'Remove them first, or send force_delete: true to delete them with it')
    }
    deleteWithDependents(workspace.id)
    return {}
  })
}
