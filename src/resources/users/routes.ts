import type { FastifyInstance } from 'fastify'
import { conflict } from '../../errors.js'
import { holds } from '../../platform/access.js'
import { listEnvelope, pageOf } from '../../platform/paging.js'
import { serve } from '../../platform/serve.js'
import { deleteUser, listUsers, retrieveUser, updateUser } from '../../schemas/generated.js'
import { userOfOrganisation } from './access.js'
import { toUserObject, type User } from './model.js'

// Portkey's Users routes: the people of an organisation. Invited people become users (see invites).
export default async function users (app: FastifyInstance): Promise<void> {
  const { store, clock } = app

  const withWorkspaces = (user: User) => toUserObject(user, store.users.workspaceIds(user.id))
  // Built once: a user leaves with their keys and memberships.
  const removeWithKeys = store.transaction((id: string) => {
    store.apiKeys.deleteOfUser(id)
    store.users.delete(id)
  })
  function assertNotOwner (user: User, doing: string): void {
    if (user.role === 'owner') throw conflict(`The owner of an organisation cannot be ${doing}`)
  }

  serve(app, listUsers, holds('organisation_users.list'), ({ caller, query }) => {
    const { total, items } = store.users.list(
      { organisationId: caller.organisationId, role: query.role ?? null, email: query.email ?? null },
      pageOf(query.pageSize, query.currentPage))
    return listEnvelope(total, items.map(withWorkspaces))
  })

  serve(app, retrieveUser, holds('organisation_users.read'), ({ caller, params }) =>
    withWorkspaces(userOfOrganisation(store.users, caller, params.userId)))

  serve(app, updateUser, holds('organisation_users.update'), ({ caller, params, body }) => {
    const user = userOfOrganisation(store.users, caller, params.userId)
    assertNotOwner(user, 'given another role')
    const now = clock.now()
    store.users.setRole(user.id, body.role, now)
    return withWorkspaces({ ...user, role: body.role, last_updated_at: now })
  })

  serve(app, deleteUser, holds('organisation_users.delete'), ({ caller, params }) => {
    const user = userOfOrganisation(store.users, caller, params.userId)
    assertNotOwner(user, 'removed')
    removeWithKeys(user.id)
    return {}
  })
}
