import { createHash } from 'node:crypto'
import { ScopeValues } from '../schemas/generated.js'
import { hashSecret, maskSecret } from '../secrets.js'
import { newApiKey, type ApiKey, type ApiKeyType } from '../resources/api-keys/model.js'
import { newWorkspace } from '../resources/workspaces/model.js'
import type { Store } from './store.js'

// The built-in store a newcomer meets: one organisation, two workspaces (one default, one with every
// optional field), three users with their roles and memberships, and keys of every type, status and
// shape of limits. Ids and times are fixed so that docs and tests can name them.

export interface DevSecrets { admin: string, workspace: string, user: string }

const ACTIONS = ['list', 'read', 'create', 'update', 'delete', 'rotate']
const scopes = (families: string[], actions = ACTIONS) => families.flatMap(f => actions.map(a => `${f}_api_keys.${a}`))
const at = (iso: string) => Date.parse(iso)

export const SEED = {
  organisation: { id: '8f2b6c1e-3d4a-4b5c-9e6f-7a8b9c0d1e2f', name: 'Acme Inc' },
  workspaces: {
    shared: { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', slug: 'ws-shared-7c41e9', name: 'Shared' },
    research: { id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', slug: 'ws-research-b2d8f0', name: 'Research' },
  },
  users: {
    alice: { id: '3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f', email: 'alice@acme.test', first_name: 'Alice', last_name: 'Admin', role: 'owner' },
    bob: { id: '4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f80', email: 'bob@acme.test', first_name: 'Bob', last_name: 'Builder', role: 'member' },
    carol: { id: '5e6f7a8b-9c0d-4e1f-a2b3-4c5d6e7f8091', email: 'carol@acme.test', first_name: 'Carol', last_name: 'Chen', role: 'admin' },
  },
  configs: {
    shared: { id: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', slug: 'pc-shared-default-3b7c1d', name: 'Shared default' },
    research: { id: '1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e', slug: 'pc-research-9f2e1a', name: 'Research staging' },
  },
  invites: {
    dave: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
    erin: 'f2a3b4c5-d6e7-4f8a-9b0c-1d2e3f4a5b6c',
  },
  apiKeys: {
    admin: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000001',
    workspaceService: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000002',
    workspaceUser: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000003',
    reporting: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000004',
    exhausted: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000005',
    researchPipeline: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000006',
    expired: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000007',
    carol: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000008',
    autoProvisioned: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000009',
    sharedCi: 'c2a7e0b4-1f3d-4e5a-8b6c-00000000000a',
  },
} as const

const { organisation, workspaces, users, apiKeys: ids } = SEED
const ORGANISATION_CREATED = at('2025-01-06T08:00:00.000Z')

type SeedKey = Partial<ApiKey> & Pick<ApiKey, 'id' | 'type' | 'name' | 'scopes' | 'created_at'>

const inWorkspace = (workspace: { id: string }, type: ApiKeyType = 'workspace-service') => ({ type, workspace_id: workspace.id })

// The keys other than the three dev keys get secrets derived from their ids: stable masks, and
// nobody is meant to use them.
const derivedSecret = (id: string) => createHash('sha256').update(`portkey-mock seed ${id}`).digest('base64url').slice(0, 32)

export function seed ({ db, organisations, users: userRepository, workspaces: workspaceRepository, members, invites, configs, apiKeys }: Store, dev: DevSecrets): void {
  const keys: [SeedKey, string][] = [
    [{
      id: ids.admin, type: 'organisation-service', name: 'Admin API key',
      description: 'Organisation admin key: holds every scope, so it may grant any of them',
      scopes: [...ScopeValues],
      created_at: at('2025-01-06T09:00:00.000Z'),
    }, dev.admin],
    [{
      id: ids.workspaceService, ...inWorkspace(workspaces.shared), name: 'Shared workspace service key',
      scopes: [...scopes(['workspace_service', 'workspace_user']), 'completions.write'],
      rate_limits: [{ type: 'requests', unit: 'rpm', value: 600 }],
      created_at: at('2025-02-03T10:15:00.000Z'), last_updated_at: at('2025-03-01T12:00:00.000Z'),
    }, dev.workspace],
    [{
      id: ids.workspaceUser, ...inWorkspace(workspaces.shared, 'workspace-user'), user_id: users.alice.id,
      name: "Alice's key", scopes: ['completions.write', 'logs.view'],
      created_at: at('2025-02-03T10:15:00.000Z'),
    }, dev.user],
    [{
      id: ids.reporting, type: 'organisation-service', name: 'Reporting (read-only)',
      description: 'Lists and reads keys for the audit dashboard',
      scopes: scopes(['organisation_service', 'workspace_service', 'workspace_user'], ['list', 'read']),
      created_at: at('2025-03-10T14:30:00.000Z'),
    }, derivedSecret(ids.reporting)],
    [{
      id: ids.exhausted, ...inWorkspace(workspaces.shared), name: 'Batch jobs (budget spent)', status: 'exhausted',
      scopes: ['completions.write'],
      usage_limits: {
        credit_limit: 100, type: 'cost', alert_threshold: 80, periodic_reset: 'monthly',
        periodic_reset_days: null, next_usage_reset_at: '2026-12-01T00:00:00.000Z',
      },
      reset_usage: 0, last_reset_at: at('2025-11-01T00:00:00.000Z'), alert_emails: ['finance@acme.test'],
      created_at: at('2025-04-14T16:45:00.000Z'), last_updated_at: at('2025-11-01T00:00:00.000Z'),
    }, derivedSecret(ids.exhausted)],
    [{
      id: ids.researchPipeline, ...inWorkspace(workspaces.research), name: 'Research pipeline',
      description: 'Pinned to the staging config',
      scopes: ['completions.write', 'configs.read'],
      rate_limits: [{ type: 'requests', unit: 'rpm', value: 100 }, { type: 'tokens', unit: 'rpd', value: 1000000 }],
      expires_at: at('2099-12-31T23:59:59.000Z'), expiry_enforced: 1, allow_config_override: 0,
      api_key_defaults_id: 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6',
      defaults_metadata: { team: 'research', environment: 'staging' }, defaults_config_id: 'pc-research-9f2e1a',
      rotation_policy: { rotation_period: 'monthly', key_transition_period_ms: 3600000, next_rotation_at: '2026-12-01T00:00:00.000Z' },
      created_at: at('2025-06-02T09:20:00.000Z'),
    }, derivedSecret(ids.researchPipeline)],
    [{
      id: ids.expired, ...inWorkspace(workspaces.research, 'workspace-user'), user_id: users.bob.id,
      name: "Bob's old key", scopes: ['completions.write'],
      expires_at: at('2025-09-30T00:00:00.000Z'), expiry_enforced: 1,
      created_at: at('2025-07-21T08:00:00.000Z'),
    }, derivedSecret(ids.expired)],
    // These two share created_at: the list breaks the tie by id, descending.
    [{
      id: ids.carol, ...inWorkspace(workspaces.research, 'workspace-user'), user_id: users.carol.id,
      name: "Carol's key", creation_mode: 'api', scopes: ['completions.write'],
      usage_limits: {
        credit_limit: 500000, type: 'tokens', alert_threshold: 400000, periodic_reset: null,
        periodic_reset_days: 30, next_usage_reset_at: '2026-12-15T00:00:00.000Z',
      },
      alert_emails: ['carol@acme.test'],
      created_at: at('2025-07-21T08:30:00.000Z'),
    }, derivedSecret(ids.carol)],
    [{
      id: ids.autoProvisioned, ...inWorkspace(workspaces.research), name: 'Auto-provisioned', creation_mode: 'auto',
      scopes: ['completions.write'],
      created_at: at('2025-07-21T08:30:00.000Z'),
    }, derivedSecret(ids.autoProvisioned)],
    [{
      id: ids.sharedCi, ...inWorkspace(workspaces.shared), name: 'Shared CI key', creation_mode: 'api',
      scopes: ['completions.write'], rate_limits: [{ type: 'requests', unit: 'rps', value: 5 }],
      created_at: at('2026-01-15T07:00:00.000Z'),
    }, derivedSecret(ids.sharedCi)],
  ]

  const memberships = [
    { workspace: workspaces.shared, user: users.alice, role: 'admin' },
    { workspace: workspaces.shared, user: users.bob, role: 'member' },
    { workspace: workspaces.research, user: users.carol, role: 'manager' },
    { workspace: workspaces.research, user: users.bob, role: 'member' },
  ] as const

  db.transaction(() => {
    organisations.insert({ ...organisation, created_at: ORGANISATION_CREATED })
    workspaceRepository.insert(newWorkspace({
      ...workspaces.shared, organisation_id: organisation.id, is_default: 1,
      description: 'The default workspace', defaults_metadata: { environment: 'shared' }, created_at: ORGANISATION_CREATED,
    }))
    workspaceRepository.insert(newWorkspace({
      ...workspaces.research, organisation_id: organisation.id, icon: '🔬', description: 'Experiments, on a budget',
      defaults_metadata: { team: 'research' }, input_guardrails: ['pg-pii-check-4f1a2b'], output_guardrails: [],
      user_api_key_config: 'pc-research-9f2e1a',
      usage_limits: [{ credit_limit: 1000, type: 'cost', alert_threshold: 800, periodic_reset: 'monthly' }],
      rate_limits: [{ type: 'requests', unit: 'rpm', value: 1000 }],
      created_at: at('2025-05-01T10:00:00.000Z'), last_updated_at: at('2025-06-01T10:00:00.000Z'),
    }))
    for (const user of Object.values(users)) {
      userRepository.insert({ ...user, organisation_id: organisation.id, created_at: ORGANISATION_CREATED, last_updated_at: ORGANISATION_CREATED })
    }
    for (const { workspace, user, role } of memberships) {
      members.insert({ workspace_id: workspace.id, user_id: user.id, role, created_at: ORGANISATION_CREATED, last_updated_at: ORGANISATION_CREATED })
    }
    // The shared workspace's default config, and the research one in its second version.
    configs.insert({
      ...SEED.configs.shared, organisation_id: organisation.id, workspace_id: workspaces.shared.id, is_default: 1, status: 'active',
      config: { retry: { attempts: 3, on_status_codes: [429, 503] }, cache: { mode: 'simple', max_age: 60 } },
      version_id: '2c3d4e5f-6a7b-4c8d-8e9f-0a1b2c3d4e5f', created_at: ORGANISATION_CREATED, last_updated_at: ORGANISATION_CREATED,
    })
    const research = {
      ...SEED.configs.research, organisation_id: organisation.id, workspace_id: workspaces.research.id, is_default: 0, status: 'active',
      config: { strategy: { mode: 'loadbalance' }, targets: [{ provider: 'openai', virtual_key: 'openai-research' }] },
      version_id: '3d4e5f6a-7b8c-4d9e-9f0a-1b2c3d4e5f6a', created_at: at('2025-05-20T10:00:00.000Z'), last_updated_at: at('2025-05-20T10:00:00.000Z'),
    } as const
    configs.insert(research)
    configs.update({
      ...research, config: { strategy: { mode: 'fallback' }, targets: [{ provider: 'openai', virtual_key: 'openai-research' }, { provider: 'anthropic', virtual_key: 'anthropic-research' }] },
      version_id: '4e5f6a7b-8c9d-4e0f-8a1b-2c3d4e5f6a7b', last_updated_at: at('2025-06-01T10:00:00.000Z'),
    })
    // Dave's invite waits until 2099, with a workspace and key scopes; Erin's lapsed long ago.
    invites.insert({
      id: SEED.invites.dave, organisation_id: organisation.id, email: 'dave@acme.test', role: 'member', status: 'pending',
      workspaces: [{ id: workspaces.research.slug, role: 'member' }], workspace_api_key_details: { scopes: ['completions.write'] },
      invited_by: users.alice.id, created_at: at('2025-08-01T09:00:00.000Z'), expires_at: at('2099-08-08T09:00:00.000Z'), accepted_at: null,
    })
    invites.insert({
      id: SEED.invites.erin, organisation_id: organisation.id, email: 'erin@acme.test', role: 'admin', status: 'pending',
      workspaces: [], workspace_api_key_details: null, invited_by: null,
      created_at: at('2025-03-01T09:00:00.000Z'), expires_at: at('2025-03-08T09:00:00.000Z'), accepted_at: null,
    })
    for (const [key, secret] of keys) {
      apiKeys.insert(newApiKey({ organisation_id: organisation.id, creation_mode: 'ui', ...key, masked_key: maskSecret(secret) }), hashSecret(secret))
    }
  })()
}
