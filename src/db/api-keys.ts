import type { ApiKeyDefaults, ApiKeyObject, RateLimit, RotationPolicy, UsageLimits } from '../schemas/generated.js'
import type { Db } from './open.js'

export type ApiKeyType = ApiKeyObject['type']
export const API_KEY_TYPES: readonly ApiKeyType[] = ['organisation-service', 'workspace-service', 'workspace-user']

/** An API key as the store holds it: timestamps in epoch milliseconds, `expired` not yet derived. */
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
  defaults: ApiKeyDefaults
  /** Kept and updatable, though the live API does not show it on reads. */
  rotation_policy: RotationPolicy | null
  created_at: number
  last_updated_at: number
}

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
    defaults: { metadata: null, config_id: null },
    rotation_policy: null,
    last_updated_at: fields.created_at,
    ...fields,
  }
}

export interface ListQuery {
  organisationId: string
  /** Only this workspace's keys; null for the whole organisation. */
  workspaceId: string | null
  types: readonly ApiKeyType[]
  limit: number
  offset: number
}

// Rows are read as arrays (better-sqlite3's raw mode), which costs a third of building an object per
// row; COLUMNS is the one place that fixes their order.
const COLUMNS = ['id', 'organisation_id', 'workspace_id', 'user_id', 'type', 'name', 'description', 'masked_key',
  'status', 'creation_mode', 'rate_limits', 'usage_limits', 'reset_usage', 'expires_at', 'last_reset_at', 'alert_emails',
  'expiry_enforced', 'allow_config_override', 'api_key_defaults_id', 'scopes', 'defaults_metadata', 'defaults_config_id',
  'rotation_policy', 'created_at', 'last_updated_at'] as const
type Column = typeof COLUMNS[number]
type Row = unknown[]
const SELECT = `SELECT ${COLUMNS.join(', ')} FROM api_keys`
const at = Object.fromEntries(COLUMNS.map((column, index) => [column, index])) as Record<Column, number>

const json = <T>(text: unknown): T | null => text === null ? null : JSON.parse(text as string) as T

const decode = (row: Row): ApiKey => ({
  id: row[at.id] as string,
  organisation_id: row[at.organisation_id] as string,
  workspace_id: row[at.workspace_id] as string | null,
  user_id: row[at.user_id] as string | null,
  type: row[at.type] as ApiKeyType,
  name: row[at.name] as string,
  description: row[at.description] as string | null,
  masked_key: row[at.masked_key] as string,
  status: row[at.status] as ApiKey['status'],
  creation_mode: row[at.creation_mode] as ApiKey['creation_mode'],
  rate_limits: JSON.parse(row[at.rate_limits] as string) as RateLimit[],
  usage_limits: json<UsageLimits>(row[at.usage_limits]),
  reset_usage: row[at.reset_usage] as number | null,
  expires_at: row[at.expires_at] as number | null,
  last_reset_at: row[at.last_reset_at] as number | null,
  alert_emails: json<string[]>(row[at.alert_emails]),
  expiry_enforced: row[at.expiry_enforced] as 0 | 1,
  allow_config_override: row[at.allow_config_override] as 0 | 1 | null,
  api_key_defaults_id: row[at.api_key_defaults_id] as string | null,
  scopes: JSON.parse(row[at.scopes] as string) as string[],
  defaults: { metadata: json<Record<string, string>>(row[at.defaults_metadata]), config_id: row[at.defaults_config_id] as string | null },
  rotation_policy: json<RotationPolicy>(row[at.rotation_policy]),
  created_at: row[at.created_at] as number,
  last_updated_at: row[at.last_updated_at] as number,
})

const encode = (key: ApiKey): Record<Column, unknown> => {
  const { defaults, ...rest } = key
  return {
    ...rest,
    rate_limits: JSON.stringify(key.rate_limits),
    usage_limits: key.usage_limits && JSON.stringify(key.usage_limits),
    alert_emails: key.alert_emails && JSON.stringify(key.alert_emails),
    scopes: JSON.stringify(key.scopes),
    defaults_metadata: defaults.metadata && JSON.stringify(defaults.metadata),
    defaults_config_id: defaults.config_id,
    rotation_policy: key.rotation_policy && JSON.stringify(key.rotation_policy),
  }
}

/** What authentication needs of a key: no more columns than that are read on every request. */
export interface Credential {
  id: string
  type: ApiKeyType
  organisation_id: string
  workspace_id: string | null
  scopes: string[]
  expires_at: number | null
}

// The list statements take exactly three types, so that one prepared statement serves every caller;
// a shorter list repeats its first type, which `IN` ignores.
const threeTypes = (types: readonly ApiKeyType[]): [ApiKeyType, ApiKeyType, ApiKeyType] =>
  [types[0], types[1] ?? types[0], types[2] ?? types[0]]

const ORDER = 'ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?'

export class ApiKeyRepository {
  readonly #findById
  readonly #findBySecret
  readonly #pageOfOrganisation
  readonly #pageOfWorkspace
  readonly #totalOfOrganisation
  readonly #totalOfWorkspace
  readonly #insert
  readonly #insertSecret
  readonly #update
  readonly #delete
  readonly #transitionEnd
  readonly #retireSecrets
  readonly #forgetSecrets
  readonly #insertWithSecret
  readonly #rotate

  constructor (db: Db) {
    this.#findById = db.prepare<[string], Row>(`${SELECT} WHERE id = ?`).raw()
    this.#findBySecret = db.prepare<[Buffer, number], [string, ApiKeyType, string, string | null, string, number | null]>(`
      SELECT k.id, k.type, k.organisation_id, k.workspace_id, k.scopes, k.expires_at
      FROM api_key_secrets s JOIN api_keys k ON k.id = s.api_key_id
      WHERE s.key_hash = ? AND (s.expires_at IS NULL OR s.expires_at > ?)`).raw()
    this.#pageOfOrganisation = db.prepare<[string, string, string, string, number, number], Row>(
      `${SELECT} WHERE organisation_id = ? AND type IN (?, ?, ?) ${ORDER}`).raw()
    this.#pageOfWorkspace = db.prepare<[string, string, string, string, number, number], Row>(
      `${SELECT} WHERE workspace_id = ? AND type IN (?, ?, ?) ${ORDER}`).raw()
    this.#totalOfOrganisation = db.prepare<[string, string, string, string], number>(
      'SELECT coalesce(sum(total), 0) FROM api_key_tallies WHERE organisation_id = ? AND type IN (?, ?, ?)').pluck()
    this.#totalOfWorkspace = db.prepare<[string, string, string, string, string], number>(
      'SELECT coalesce(sum(total), 0) FROM api_key_tallies WHERE organisation_id = ? AND workspace_id = ? AND type IN (?, ?, ?)').pluck()
    this.#insert = db.prepare<Record<Column, unknown>>(`
      INSERT INTO api_keys (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(c => `@${c}`).join(', ')})`)
    this.#insertSecret = db.prepare<[Buffer, string, number]>(
      'INSERT INTO api_key_secrets (key_hash, api_key_id, expires_at, created_at) VALUES (?, ?, NULL, ?)')
    // Who a key belongs to never changes; everything else may.
    const mutable = COLUMNS.filter(c => !['id', 'organisation_id', 'workspace_id', 'user_id', 'type', 'created_at'].includes(c))
    this.#update = db.prepare<Record<Column, unknown>>(`UPDATE api_keys SET ${mutable.map(c => `${c} = @${c}`).join(', ')} WHERE id = @id`)
    this.#delete = db.prepare<[string]>('DELETE FROM api_keys WHERE id = ?')
    this.#transitionEnd = db.prepare<[string, number], number>(
      'SELECT max(expires_at) FROM api_key_secrets WHERE api_key_id = ? AND expires_at > ?').pluck()
    this.#retireSecrets = db.prepare<[number, string]>('UPDATE api_key_secrets SET expires_at = ? WHERE api_key_id = ? AND expires_at IS NULL')
    this.#forgetSecrets = db.prepare<[string, number]>('DELETE FROM api_key_secrets WHERE api_key_id = ? AND expires_at <= ?')
    // Transactions are built once, like the statements: building one is dearer than running it.
    this.#insertWithSecret = db.transaction((key: ApiKey, keyHash: Buffer) => {
      this.#insert.run(encode(key))
      this.#insertSecret.run(keyHash, key.id, key.created_at)
    })
    this.#rotate = db.transaction((key: ApiKey, keyHash: Buffer, transitionEnd: number) => {
      this.#forgetSecrets.run(key.id, key.last_updated_at)
      this.#retireSecrets.run(transitionEnd, key.id)
      this.#insertSecret.run(keyHash, key.id, key.last_updated_at)
      this.#update.run(encode(key))
    })
  }

  findById (id: string): ApiKey | undefined {
    const row = this.#findById.get(id)
    return row && decode(row)
  }

  /** The key a secret authenticates as at `now`, whatever the key's own status. */
  findBySecret (keyHash: Buffer, now: number): Credential | undefined {
    const row = this.#findBySecret.get(keyHash, now)
    if (!row) return undefined
    const [id, type, organisationId, workspaceId, scopes, expiresAt] = row
    return { id, type, organisation_id: organisationId, workspace_id: workspaceId, scopes: JSON.parse(scopes) as string[], expires_at: expiresAt }
  }

  list ({ organisationId, workspaceId, types, limit, offset }: ListQuery): { total: number, keys: ApiKey[] } {
    const [a, b, c] = threeTypes(types)
    const total = workspaceId === null
      ? this.#totalOfOrganisation.get(organisationId, a, b, c)!
      : this.#totalOfWorkspace.get(organisationId, workspaceId, a, b, c)!
    // Past the last match nothing is read, and no offset beyond SQLite's integers reaches it.
    if (offset >= total) return { total, keys: [] }
    const rows = workspaceId === null
      ? this.#pageOfOrganisation.all(organisationId, a, b, c, limit, offset)
      : this.#pageOfWorkspace.all(workspaceId, a, b, c, limit, offset)
    return { total, keys: rows.map(decode) }
  }

  /** Replaces every field of a stored key but those that say whom it belongs to. */
  update (key: ApiKey): void {
    this.#update.run(encode(key))
  }

  /** Deletes a key and, with it, its secrets. */
  delete (id: string): void {
    this.#delete.run(id)
  }

  /** When a rotation's transition ends, if one is under way at `now`. */
  transitionEnd (id: string, now: number): number | undefined {
    return this.#transitionEnd.get(id, now) ?? undefined
  }

  /**
   * Gives a key a new secret: the current one keeps authenticating until `transitionEnd`, and the key
   * shows the new one masked from now on; secrets of earlier rotations that have lapsed are dropped.
   * One transaction; `key.last_updated_at` is the moment of the rotation.
   */
  rotate (key: ApiKey, keyHash: Buffer, transitionEnd: number): void {
    this.#rotate(key, keyHash, transitionEnd)
  }

  /** Stores a new key with the digest of its secret, together or not at all. */
  insert (key: ApiKey, keyHash: Buffer): void {
    this.#insertWithSecret(key, keyHash)
  }
}

const iso = (ms: number): string => new Date(ms).toISOString()

export const isExpired = (key: Pick<ApiKey, 'expires_at'>, now: number): boolean => key.expires_at !== null && key.expires_at <= now

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
    created_at: iso(key.created_at),
    last_updated_at: iso(key.last_updated_at),
    creation_mode: key.creation_mode,
    rate_limits: key.rate_limits,
    usage_limits: key.usage_limits,
    reset_usage: key.reset_usage,
    expires_at: key.expires_at === null ? null : iso(key.expires_at),
    last_reset_at: key.last_reset_at === null ? null : iso(key.last_reset_at),
    alert_emails: key.alert_emails,
    expiry_enforced: key.expiry_enforced,
    allow_config_override: key.allow_config_override,
    api_key_defaults_id: key.api_key_defaults_id,
    scopes: key.scopes,
    defaults: key.defaults,
    object: 'api-key',
  }
}
