import type { ApiKey } from './db/api-keys.js'
import { badRequest } from './errors.js'
import { formatInstant, instantOf } from './time.js'
import type { CreateApiKeyObject, RotationPolicy, UpdateApiKeyObject, UsageLimits, UsageLimitsRequest } from './schemas/generated.js'

// The rules a request's fields obey beyond what their schema says, and how they are stored. Shared
// by create and update, so that a key reads the same whichever made it.

const DAY = 86_400_000
const invalid = (field: string, problem: string) => badRequest(`Invalid body field ${field}: ${problem}`)

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

function usageLimits (limits: UsageLimitsRequest, now: number): UsageLimits {
  if (limits.periodic_reset != null && limits.periodic_reset_days != null) {
    throw invalid('usage_limits', 'periodic_reset and periodic_reset_days are mutually exclusive')
  }
  return {
    credit_limit: limits.credit_limit ?? null,
    type: limits.type ?? 'cost',
    alert_threshold: limits.alert_threshold ?? null,
    periodic_reset: limits.periodic_reset ?? null,
    periodic_reset_days: limits.periodic_reset_days ?? null,
    next_usage_reset_at: limits.next_usage_reset_at != null ? formatInstant(instantOf(limits.next_usage_reset_at)) : nextUsageReset(limits, now),
  }
}

const PERIOD_MS = { weekly: 7 * DAY, monthly: 28 * DAY }

function rotationPolicy (policy: RotationPolicy): RotationPolicy {
  const { rotation_period: period, next_rotation_at: next, key_transition_period_ms: transition } = policy
  if ((period == null) === (next == null)) throw invalid('rotation_policy', 'needs exactly one of rotation_period and next_rotation_at')
  if (period != null && transition !== undefined && transition >= PERIOD_MS[period]) {
    throw invalid('rotation_policy.key_transition_period_ms', `must be shorter than the ${period} rotation period`)
  }
  return {
    rotation_period: period ?? null,
    next_rotation_at: next == null ? null : formatInstant(instantOf(next)),
    ...(transition === undefined ? {} : { key_transition_period_ms: transition }),
  }
}

function expiresAt (value: string | null, now: number): number | null {
  if (value === null) return null
  const ms = instantOf(value)
  if (ms <= now) throw invalid('expires_at', 'must be in the future')
  return ms
}

type Settings = Pick<ApiKey, 'rate_limits' | 'usage_limits' | 'alert_emails' | 'expires_at' | 'expiry_enforced' |
  'defaults' | 'allow_config_override' | 'rotation_policy'>

/** The settings of a key being created. */
export function settingsOf (body: CreateApiKeyObject, now: number): Settings {
  const expires = body.expires_at == null ? null : expiresAt(body.expires_at, now)
  return {
    rate_limits: body.rate_limits ?? [],
    usage_limits: body.usage_limits == null ? null : usageLimits(body.usage_limits, now),
    alert_emails: body.alert_emails ?? null,
    expires_at: expires,
    expiry_enforced: expires === null ? 0 : 1,
    defaults: { metadata: body.defaults?.metadata ?? null, config_id: body.defaults?.config_id ?? null },
    allow_config_override: body.defaults?.allow_config_override === undefined ? null : body.defaults.allow_config_override ? 1 : 0,
    rotation_policy: body.rotation_policy == null ? null : rotationPolicy(body.rotation_policy),
  }
}

/** The key as an update leaves it: only the fields present change, and null clears. */
export function applyUpdate (key: ApiKey, body: UpdateApiKeyObject, now: number): ApiKey {
  const next: ApiKey = { ...key, defaults: { ...key.defaults }, last_updated_at: now }
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
  if (body.rotation_policy !== undefined) next.rotation_policy = body.rotation_policy === null ? null : rotationPolicy(body.rotation_policy)
  const defaults = body.defaults
  if (defaults?.metadata !== undefined) next.defaults.metadata = defaults.metadata
  if (defaults?.config_id !== undefined) next.defaults.config_id = defaults.config_id
  if (defaults?.allow_config_override !== undefined) next.allow_config_override = defaults.allow_config_override ? 1 : 0
  if (body.reset_usage === true) {
    next.status = 'active'
    next.last_reset_at = now
  }
  return next
}
