import { table } from '../../db/table.js'
import { ApiKeyTypeValues, type ApiKeyObject, type ApiKeyRotationPolicy, type ApiKeyType, type RateLimit, type UsageLimits } from '../../schemas/generated.js'
import { formatInstant } from '../../time.js'

export type { ApiKeyType }
export const API_KEY_TYPES = ApiKeyTypeValues

/** An API key as the store holds it, a field a column: timestamps in epoch milliseconds, `expired` not yet derived. */
export interface ApiKey {
  id: string
  organisation_id: string
  workspace_id: string | null
  user_id: string | null
  type: ApiKeyType
  name: string
  description: string | null
  masked_key: string
  status: 'active' | 'exhausted'
  creation_mode: ApiKeyObject['creation_mode']
  rate_limits: RateLimit[]
  usage_limits: UsageLimits | null
  reset_usage: number | null
  expires_at: number | null
  last_reset_at: number | null
  alert_emails: string[] | null
  expiry_enforced: 0 | 1
  allow_config_override: 0 | 1 | null
  api_key_defaults_id: string | null
  scopes: string[]
  defaults_metadata: Record<string, string> | null
  defaults_config_id: string | null
  rotation_policy: ApiKeyRotationPolicy | null
  created_at: number
  last_updated_at: number
}

export const apiKeysTable = table<ApiKey>('api_keys', {
  id: 'value', organisation_id: 'value', workspace_id: 'value', user_id: 'value', type: 'value', name: 'value',
  description: 'value', masked_key: 'value', status: 'value', creation_mode: 'value', rate_limits: 'json',
  usage_limits: 'json', reset_usage: 'value', expires_at: 'value', last_reset_at: 'value', alert_emails: 'json',
  expiry_enforced: 'value', allow_config_override: 'value', api_key_defaults_id: 'value', scopes: 'json',
  defaults_metadata: 'json', defaults_config_id: 'value', rotation_policy: 'json', created_at: 'value', last_updated_at: 'value',
})

/** Who a key belongs to never changes. */
export const OWNERSHIP = ['id', 'organisation_id', 'workspace_id', 'user_id', 'type', 'created_at'] as const

/** A key with every field it was not given at its default: unset limits, no expiry, active. */
export function newApiKey (fields: Pick<ApiKey, 'id' | 'organisation_id' | 'type' | 'name' | 'masked_key' | 'scopes' | 'created_at'> & Partial<ApiKey>): ApiKey {
  return {
    workspace_id: null,
    user_id: null,
    description: null,
    status: 'active',
    creation_mode: 'api',
    rate_limits: [],
    usage_limits: null,
    reset_usage: null,
    expires_at: null,
    last_reset_at: null,
    alert_emails: null,
    expiry_enforced: 0,
    allow_config_override: null,
    api_key_defaults_id: null,
    defaults_metadata: null,
    defaults_config_id: null,
    rotation_policy: null,
    last_updated_at: fields.created_at,
    ...fields,
  }
}

export const isExpired = (key: Pick<ApiKey, 'expires_at'>, now: number): boolean => key.expires_at !== null && key.expires_at <= now

const instantOrNull = (ms: number | null): string | null => ms === null ? null : formatInstant(ms)

/** The one mapping from the store to Portkey's ApiKeyObject, fields in the live API's order. */
export function toApiKeyObject (key: ApiKey, now: number): ApiKeyObject {
  return {
    id: key.id,
    key: key.masked_key,
    name: key.name,
    description: key.description,
    type: key.type,
    organisation_id: key.organisation_id,
    workspace_id: key.workspace_id,
    user_id: key.user_id,
    status: isExpired(key, now) ? 'expired' : key.status,
    created_at: formatInstant(key.created_at),
    last_updated_at: formatInstant(key.last_updated_at),
    creation_mode: key.creation_mode,
    rate_limits: key.rate_limits,
    usage_limits: key.usage_limits,
    reset_usage: key.reset_usage,
    expires_at: instantOrNull(key.expires_at),
    last_reset_at: instantOrNull(key.last_reset_at),
    alert_emails: key.alert_emails,
    expiry_enforced: key.expiry_enforced,
    allow_config_override: key.allow_config_override,
    api_key_defaults_id: key.api_key_defaults_id,
    scopes: key.scopes,
    defaults: { metadata: key.defaults_metadata, config_id: key.defaults_config_id },
    rotation_policy: key.rotation_policy,
    object: 'api-key',
  }
}
