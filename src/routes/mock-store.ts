import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { badRequest, conflict, notFound } from '../errors.js'
import { applyPlans } from '../fixtures/apply.js'
import { FixtureError } from '../fixtures/error.js'
import { planOrganisation, type OrganisationPlan } from '../fixtures/plan.js'
import { listEnvelope } from '../platform/paging.js'
import { serve } from '../platform/serve.js'
import { toApiKeyObject } from '../resources/api-keys/model.js'
import {
  createTenant, deleteSnapshot, deleteTenant, listSnapshots, resetStore, restoreSnapshot, setApiKeyStatus, takeSnapshot,
  type FixtureOrganisation, type MockTenant,
} from '../schemas/generated.js'
import { Snapshots } from '../snapshots.js'

// The stand-in's controls over its store: reset, snapshots, a tenant per test worker, key status.

/** A tenant's default: a default workspace, an owner, an organisation key and a workspace key, each with every scope it may hold. */
const DEFAULT_TENANT: FixtureOrganisation = {
  name: 'Test organisation',
  users: [{ email: 'owner@example.test', first_name: 'Owner', role: 'owner' }],
  api_keys: [
    { name: 'Admin API key', type: 'organisation-service' },
    { name: 'Workspace API key', type: 'workspace-service' },
  ],
}

const tenantOf = (plan: OrganisationPlan): MockTenant => ({
  id: plan.organisation.id,
  name: plan.organisation.name,
  workspaces: plan.workspaces.map(w => ({ id: w.id, slug: w.slug, name: w.name, is_default: w.is_default === 1 })),
  users: plan.users.map(u => ({ id: u.id, email: u.email, role: u.role })),
  api_keys: plan.apiKeys.map(({ key, secret }) => ({ id: key.id, name: key.name, type: key.type, workspace_id: key.workspace_id, user_id: key.user_id, key: secret })),
})

const isConstraintError = (error: unknown): error is InstanceType<typeof Database.SqliteError> =>
  error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')

declare module 'fastify' {
  interface FastifyInstance {
    snapshots: Snapshots
  }
}

// A plugin without its own scope (fastify-plugin), so that `snapshots` is there for the in-process API too.
export default fp(async function mockStore (app: FastifyInstance): Promise<void> {
  const { clock, store, random } = app
  const snapshots = new Snapshots(store, clock)
  app.decorate('snapshots', snapshots)

  serve(app, resetStore, 'public', () => {
    store.reset()
    return { status: 'reset' as const }
  })

  serve(app, listSnapshots, 'public', () => {
    const taken = snapshots.list()
    return listEnvelope(taken.length, taken)
  })

  serve(app, takeSnapshot, 'public', ({ params }) => snapshots.take(params.name))

  serve(app, restoreSnapshot, 'public', ({ params }) => snapshots.restore(params.name))

  serve(app, deleteSnapshot, 'public', ({ params }) => {
    snapshots.delete(params.name)
    return {}
  })

  serve(app, createTenant, 'public', ({ body }) => {
    let plan: OrganisationPlan
    try {
      // `{}` as no body: some clients send it for none, and as a fixture it would be an organisation
      // without a key to call it with.
      plan = planOrganisation(body == null || Object.keys(body).length === 0 ? DEFAULT_TENANT : body, { random, now: clock.now() })
    } catch (error) {
      if (error instanceof FixtureError) throw badRequest(`Invalid body: ${error.problems.join('; ')}`)
      throw error
    }
    try {
      applyPlans(store, [plan])
    } catch (error) {
      // An id or secret the body gave is taken; the transaction left nothing behind.
      if (isConstraintError(error)) throw conflict(`The body names something the store holds already (${error.message})`)
      throw error
    }
    return tenantOf(plan)
  })

  serve(app, deleteTenant, 'public', ({ params }) => {
    if (!store.organisations.exists(params.organisationId)) throw notFound(`Organisation ${params.organisationId} not found`)
    store.organisations.delete(params.organisationId)
    return {}
  })

  serve(app, setApiKeyStatus, 'public', ({ params, body }) => {
    const key = store.apiKeys.findById(params.id)
    if (!key) throw notFound(`API key ${params.id} not found`)
    const now = clock.now()
    const next = { ...key, status: body.status, last_updated_at: now }
    store.apiKeys.update(next)
    return toApiKeyObject(next, now)
  })
}, { name: 'mock-store', dependencies: ['store'], fastify: '5.x' })
