import type { Store } from '../../db/store.js'
import { invalidField as invalid, missingField } from '../../errors.js'
import { workspaceFor } from '../../platform/access.js'
import type { Caller } from '../../platform/auth.js'
import type { ApiKeyRotationPolicy, CreateApiKeyObject, RotationPolicy, UpdateApiKeyObject, UsageLimits, UsageLimitsRequest } from '../../schemas/generated.js'
import { formatInstant, instantOf } from '../../time.js'
import { userOfOrganisation } from '../users/access.js'
import type { ConfigRepository } from '../configs/repository.js'
import type { WorkspaceRepository } from '../workspaces/repository.js'
import type { ApiKey, ApiKeyType } from './model.js'

// The rules a request's fields obey beyond what their schema says, and how they are stored. Shared
// by create and update, so that a key reads the same whichever made it.

const DAY = 86_400_000

// When a periodic reset next happens, if the client did not say: the 1st of next month, next
// Monday, or N days on (all at midnight UTC but the last).
function nextUsageReset (limits: UsageLimitsRequest, now: number): string | null {
  const today = new Date(now)
  if (limits.periodic_reset === 'monthly') return formatInstant(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1))
  if (limits.periodic_reset === 'weekly') {
    const daysToMonday = ((8 - today.getUTCDay()) % 7) || 7
    return formatInstant(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + daysToMonday))
  }
  if (typeof limits.periodic_reset_days === 'number') return formatInstant(now + limits.periodic_reset_days * DAY)
  return null
}

/** Usage limits reset by period or by days, never both: a key's, and each of a workspace's (`field`). */
export function refuseBothResets (limits: Pick<UsageLimitsRequest, 'periodic_reset' | 'periodic_reset_days'>, field: string): void {
  if (limits.periodic_reset != null && limits.periodic_reset_days != null) {
    throw invalid(field, 'periodic_reset and periodic_reset_days are mutually exclusive')
  }
}

export function usageLimits (limits: UsageLimitsRequest, now: number): UsageLimits {
  refuseBothResets(limits, 'usage_limits')
  return {
    credit_limit: limits.credit_limit ?? null,
    // Nothing the client did not send is invented: Terraform would find the key changed after apply.
    type: limits.type ?? null,
    alert_threshold: limits.alert_threshold ?? null,
    periodic_reset: limits.periodic_reset ?? null,
    periodic_reset_days: limits.periodic_reset_days ?? null,
    next_usage_reset_at: limits.next_usage_reset_at != null ? formatInstant(instantOf(limits.next_usage_reset_at)) : nextUsageReset(limits, now),
  }
}

const PERIOD_MS = { weekly: 7 * DAY, monthly: 28 * DAY }

// The next rotation of a schedule set at `now`: a week, or a calendar month, later.
function nextRotation (period: 'weekly' | 'monthly', now: number): string {
  if (period === 'weekly') return formatInstant(now + PERIOD_MS.weekly)
  const next = new Date(now)
  next.setUTCMonth(next.getUTCMonth() + 1)
  return formatInstant(next.getTime())
}

// A period, a next rotation, or both: Terraform sends back the next rotation it read with the period.
export function rotationPolicy (policy: RotationPolicy, now: number): ApiKeyRotationPolicy {
  const { rotation_period: period, next_rotation_at: next, key_transition_period_ms: transition } = policy
  if (period == null && next == null) throw invalid('rotation_policy', 'needs rotation_period or next_rotation_at')
  if (period != null && transition !== undefined && transition >= PERIOD_MS[period]) {
    throw invalid('rotation_policy.key_transition_period_ms', `must be shorter than the ${period} rotation period`)
  }
  return {
    rotation_period: period ?? null,
    key_transition_period_ms: transition ?? null,
    next_rotation_at: next != null ? formatInstant(instantOf(next)) : nextRotation(period!, now),
  }
}

function expiresAt (value: string | null, now: number): number | null {
  if (value === null) return null
  const ms = instantOf(value)
  if (ms <= now) throw invalid('expires_at', 'must be in the future')
  return ms
}

type Settings = Pick<ApiKey, 'rate_limits' | 'usage_limits' | 'alert_emails' | 'expires_at' | 'expiry_enforced' |
  'defaults_metadata' | 'defaults_config_id' | 'allow_config_override' | 'api_key_defaults_id' | 'rotation_policy'>

/** The settings of a key being created. */
export function settingsOf (body: CreateApiKeyObject, now: number, newId: () => string): Settings {
  const expires = body.expires_at == null ? null : expiresAt(body.expires_at, now)
  return {
    rate_limits: body.rate_limits ?? [],
    usage_limits: body.usage_limits == null ? null : usageLimits(body.usage_limits, now),
    alert_emails: body.alert_emails ?? null,
    expires_at: expires,
    expiry_enforced: expires === null ? 0 : 1,
    defaults_metadata: body.defaults?.metadata ?? null,
    defaults_config_id: body.defaults?.config_id ?? null,
    // A key given defaults gets a record of them, as on the live API.
    api_key_defaults_id: body.defaults === undefined ? null : newId(),
    allow_config_override: body.defaults?.allow_config_override === undefined ? null : body.defaults.allow_config_override ? 1 : 0,
    rotation_policy: body.rotation_policy == null ? null : rotationPolicy(body.rotation_policy, now),
  }
}

/** The key as an update leaves it: only the fields present change, and null clears. */
export function applyUpdate (key: ApiKey, body: UpdateApiKeyObject, now: number, newId: () => string): ApiKey {
  const next: ApiKey = { ...key, last_updated_at: now }
  if (body.name !== undefined) next.name = body.name
  if (body.description !== undefined) next.description = body.description
  if (body.scopes !== undefined) next.scopes = body.scopes
  if (body.rate_limits !== undefined) next.rate_limits = body.rate_limits ?? []
  if (body.usage_limits !== undefined) next.usage_limits = body.usage_limits === null ? null : usageLimits(body.usage_limits, now)
  if (body.alert_emails !== undefined) next.alert_emails = body.alert_emails
  if (body.expires_at !== undefined) {
    next.expires_at = expiresAt(body.expires_at, now)
    next.expiry_enforced = next.expires_at === null ? 0 : 1
  }
  if (body.rotation_policy !== undefined) next.rotation_policy = body.rotation_policy === null ? null : rotationPolicy(body.rotation_policy, now)
  const defaults = body.defaults
  if (defaults?.metadata !== undefined) next.defaults_metadata = defaults.metadata
  if (defaults?.config_id !== undefined) next.defaults_config_id = defaults.config_id
  if (defaults !== undefined && next.api_key_defaults_id === null) next.api_key_defaults_id = newId()
  if (defaults?.allow_config_override !== undefined) next.allow_config_override = defaults.allow_config_override ? 1 : 0
  if (body.reset_usage === true) {
    next.status = 'active'
    next.last_reset_at = now
  }
  return next
}

const KEY_TYPES: Record<string, ApiKeyType | undefined> = {
  'organisation/service': 'organisation-service',
  'workspace/service': 'workspace-service',
  'workspace/user': 'workspace-user',
}

/** The type of key `POST /api-keys/{type}/{sub-type}` creates; organisation user keys do not exist. */
export function keyTypeOf (level: string, subType: string): ApiKeyType {
  const type = KEY_TYPES[`${level}/${subType}`]
  if (!type) throw invalid('sub_type', 'organisation keys are service keys only', 'path parameter')
  return type
}

type Owner = Pick<ApiKey, 'workspace_id' | 'user_id'>

/** Whom a new key belongs to: a workspace for workspace keys, and also a member of it for user keys. */
export function ownerOfNewKey (store: Store, caller: Caller, type: ApiKeyType, body: CreateApiKeyObject): Owner {
  let workspaceId: string | null = null
  if (type !== 'organisation-service') {
    workspaceId = workspaceFor(store.workspaces, caller, body.workspace_id)
    if (workspaceId === null) throw missingField('workspace_id')
  } else if (body.workspace_id !== undefined) {
    throw invalid('workspace_id', 'organisation keys belong to no workspace')
  }
  let userId: string | null = null
  if (type === 'workspace-user') {
    if (body.user_id === undefined) throw missingField('user_id')
    userOfOrganisation(store.users, caller, body.user_id)
    if (!store.members.isMember(workspaceId!, body.user_id)) throw invalid('user_id', 'the user is not a member of the workspace')
    userId = body.user_id
  } else if (body.user_id !== undefined) {
    throw invalid('user_id', 'only user keys belong to a user')
  }
  return { workspace_id: workspaceId, user_id: userId }
}

/** A key's `defaults.config_id` names a config (slug or UUID) of its organisation, and of its workspace for a workspace key. */
export function assertConfigUsable (configs: ConfigRepository, key: Pick<ApiKey, 'organisation_id' | 'workspace_id'>, configId: string): void {
  const config = configs.find(key.organisation_id, configId)
  if (!config || (key.workspace_id !== null && config.workspace_id !== key.workspace_id)) {
    throw invalid('defaults.config_id', `${configId} is not a config of the key's ${key.workspace_id === null ? 'organisation' : 'workspace'}`)
  }
}

/** Clients echo what a key is; a different value would be a change, and these cannot change. */
export function assertUnchanged (workspaces: WorkspaceRepository, key: ApiKey, body: UpdateApiKeyObject): void {
  if (body.id !== undefined && body.id !== key.id) throw invalid('id', 'must be the id in the path')
  for (const field of ['type', 'organisation_id', 'user_id'] as const) {
    if (body[field] !== undefined && body[field] !== key[field]) throw invalid(field, 'cannot change')
  }
  if (body.workspace_id !== undefined && body.workspace_id !== key.workspace_id &&
    (body.workspace_id === null || workspaces.find(key.organisation_id, body.workspace_id)?.id !== key.workspace_id)) {
    throw invalid('workspace_id', 'cannot change')
  }
}
