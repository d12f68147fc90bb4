import type { FastifyInstance } from 'fastify'
import { injectFaults } from '../faults.js'
import { authenticate } from '../platform/auth.js'
import apiKeys from '../resources/api-keys/routes.js'
import configs from '../resources/configs/routes.js'
import invites from '../resources/invites/routes.js'
import users from '../resources/users/routes.js'
import workspaceMembers from '../resources/workspace-members/routes.js'
import workspaces from '../resources/workspaces/routes.js'

// Portkey's own routes, each resource a plugin. Every one acts as the key in x-portkey-api-key,
// authenticated here, once, for all of them; then the fault rules of /__mock/faults apply.
export default async function portkey (app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', authenticate)
  app.addHook('onRequest', injectFaults(app.faults))
  app.addHook('onRoute', route => { for (const method of [route.method].flat()) app.faults.serve(method, route.url) })
  await app.register(apiKeys)
  await app.register(workspaces)
  await app.register(workspaceMembers)
  await app.register(users)
  await app.register(invites)
  await app.register(configs)
}
