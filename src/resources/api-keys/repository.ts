import type { Db } from '../../db/open.js'
import { LIMIT_OFFSET } from '../../db/paged.js'
import { apiKeysTable as table, OWNERSHIP, type ApiKey, type ApiKeyType } from './model.js'

type Row = unknown[]

export interface ListQuery {
  organisationId: string
  /** Only this workspace's keys; null for the whole organisation. */
  workspaceId: string | null
  types: readonly ApiKeyType[]
  limit: number
  offset: number
}

/** What authentication needs of a key: no more columns than that are read on every request. */
export interface Credential {
  id: string
  type: ApiKeyType
  organisation_id: string
  workspace_id: string | null
  scopes: ReadonlySet<string>
  expires_at: number | null
  /** When the secret stops authenticating: the end of a rotation's transition, or never. */
  secret_expires_at: number | null
}

// The set of a key's scopes, kept by key and handed out again while the key's text of them is the
// same (callers only ask `has` of it): after any write each request authenticates afresh, and
// parsing the admin key's 1.4 KB of scopes into a new set made its lookup 5.2 µs instead of 1.5.
// Found by the key's id, not by the text, whose hash alone costs 1.8 µs.
const SCOPE_SETS = 1024
const scopeSets = new Map<string, { text: string, scopes: ReadonlySet<string> }>()

function scopesOf (id: string, text: string): ReadonlySet<string> {
  const known = scopeSets.get(id)
  if (known !== undefined && known.text === text) return known.scopes
  if (known === undefined && scopeSets.size === SCOPE_SETS) scopeSets.clear()
  const scopes = new Set(JSON.parse(text) as string[])
  scopeSets.set(id, { text, scopes })
  return scopes
}

// The list statements take exactly three types, so that one prepared statement serves every caller;
// a shorter list repeats its first type, which `IN` ignores.
const threeTypes = (types: readonly ApiKeyType[]): [ApiKeyType, ApiKeyType, ApiKeyType] =>
  [types[0], types[1] ?? types[0], types[2] ?? types[0]]

const ORDER = `ORDER BY created_at DESC, id DESC ${LIMIT_OFFSET}`

/** A page of a list; the index test checks that each walks an index, without a sort or a scan. */
export const PAGE_STATEMENTS = {
  ofOrganisation: `${table.select} WHERE organisation_id = ? AND type IN (?, ?, ?) ${ORDER}`,
  ofWorkspace: `${table.select} WHERE workspace_id = ? AND type IN (?, ?, ?) ${ORDER}`,
}

export class ApiKeyRepository {
  readonly #findById
  readonly #findBySecret
  readonly #pageOfOrganisation
  readonly #pageOfWorkspace
  readonly #totalOfOrganisation
  readonly #totalOfWorkspace
  readonly #insert
  readonly #setSecret
  readonly #update
  readonly #delete
  readonly #transitionEnd
  readonly #retireSecret
  readonly #forgetSecrets
  readonly #countInWorkspace
  readonly #deleteInWorkspace
  readonly #deleteOfMember
  readonly #deleteOfUser
  readonly #countNamingConfig
  readonly #rotate

  constructor (db: Db) {
    this.#findById = db.prepare<[string], Row>(`${table.select} WHERE id = ?`).raw()
    // A key's current secret is in its own row; a secret a rotation retired, in a table of its own
    // until its transition ends.
    this.#findBySecret = db.prepare<[Buffer, Buffer, number], [string, ApiKeyType, string, string | null, string, number | null, number | null]>(`
      SELECT id, type, organisation_id, workspace_id, scopes, expires_at, NULL FROM api_keys WHERE key_hash = ?
      UNION ALL
      SELECT k.id, k.type, k.organisation_id, k.workspace_id, k.scopes, k.expires_at, r.expires_at
      FROM api_key_retired_secrets r JOIN api_keys k ON k.id = r.api_key_id
      WHERE r.key_hash = ? AND r.expires_at > ?`).raw()
    this.#pageOfOrganisation = db.prepare<[string, string, string, string, number, number], Row>(PAGE_STATEMENTS.ofOrganisation).raw()
    this.#pageOfWorkspace = db.prepare<[string, string, string, string, number, number], Row>(PAGE_STATEMENTS.ofWorkspace).raw()
    this.#totalOfOrganisation = db.prepare<[string, string, string, string], number>(
      'SELECT coalesce(sum(total), 0) FROM api_key_tallies WHERE organisation_id = ? AND type IN (?, ?, ?)').pluck()
    this.#totalOfWorkspace = db.prepare<[string, string, string, string, string], number>(
      'SELECT coalesce(sum(total), 0) FROM api_key_tallies WHERE organisation_id = ? AND workspace_id = ? AND type IN (?, ?, ?)').pluck()
    this.#insert = db.prepare<Record<string, unknown>>(table.insertWith(['key_hash']))
    this.#setSecret = db.prepare<[Buffer, string]>('UPDATE api_keys SET key_hash = ? WHERE id = ?')
    this.#update = db.prepare<Record<string, unknown>>(table.update(OWNERSHIP, 'id'))
    this.#delete = db.prepare<[string]>('DELETE FROM api_keys WHERE id = ?')
    this.#countInWorkspace = db.prepare<[string, string], number>(
      'SELECT coalesce(sum(total), 0) FROM api_key_tallies WHERE organisation_id = ? AND workspace_id = ?').pluck()
    this.#deleteInWorkspace = db.prepare<[string]>('DELETE FROM api_keys WHERE workspace_id = ?')
    this.#deleteOfUser = db.prepare<[string]>("DELETE FROM api_keys WHERE user_id = ? AND type = 'workspace-user'")
    this.#countNamingConfig = db.prepare<[string, string, string], number>(
      'SELECT count(*) FROM api_keys WHERE defaults_config_id IN (?, ?) AND organisation_id = ?').pluck()
    this.#deleteOfMember = db.prepare<[string, string]>("DELETE FROM api_keys WHERE workspace_id = ? AND user_id = ? AND type = 'workspace-user'")
    this.#transitionEnd = db.prepare<[string, number], number>(
      'SELECT max(expires_at) FROM api_key_retired_secrets WHERE api_key_id = ? AND expires_at > ?').pluck()
    this.#retireSecret = db.prepare<[number, string]>(`INSERT INTO api_key_retired_secrets (key_hash, api_key_id, expires_at)
      SELECT key_hash, id, ? FROM api_keys WHERE id = ? AND key_hash IS NOT NULL`)
    this.#forgetSecrets = db.prepare<[string, number]>('DELETE FROM api_key_retired_secrets WHERE api_key_id = ? AND expires_at <= ?')
    // Transactions are built once, like the statements: building one is dearer than running it.
    this.#rotate = db.transaction((key: ApiKey, keyHash: Buffer, transitionEnd: number) => {
      this.#forgetSecrets.run(key.id, key.last_updated_at)
      this.#retireSecret.run(transitionEnd, key.id)
      this.#setSecret.run(keyHash, key.id)
      this.#update.run(table.encode(key))
    })
  }

  findById (id: string): ApiKey | undefined {
    return table.maybe(this.#findById.get(id))
  }

  /** The key a secret authenticates as at `now`, whatever the key's own status. */
  findBySecret (keyHash: Buffer, now: number): Credential | undefined {
    const row = this.#findBySecret.get(keyHash, keyHash, now)
    if (!row) return undefined
    const [id, type, organisationId, workspaceId, scopes, expiresAt, secretExpiresAt] = row
    return {
      id, type, organisation_id: organisationId, workspace_id: workspaceId, scopes: scopesOf(id, scopes),
      expires_at: expiresAt, secret_expires_at: secretExpiresAt,
    }
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
    return { total, keys: rows.map(table.decode) }
  }

  /** Replaces every field of a stored key but those that say whom it belongs to. */
  update (key: ApiKey): void {
    this.#update.run(table.encode(key))
  }

  /** Deletes a key and, with it, its secrets. */
  delete (id: string): void {
    this.#delete.run(id)
  }

  /** How many keys a workspace holds. */
  countInWorkspace (organisationId: string, workspaceId: string): number {
    return this.#countInWorkspace.get(organisationId, workspaceId)!
  }

  /** Deletes every key of a workspace, and their secrets; part of deleting the workspace. */
  deleteInWorkspace (workspaceId: string): void {
    this.#deleteInWorkspace.run(workspaceId)
  }

  /** Deletes a user's keys in a workspace; part of removing them from it. */
  deleteOfMember (workspaceId: string, userId: string): void {
    this.#deleteOfMember.run(workspaceId, userId)
  }

  /** Deletes every key of a user; part of removing the user. */
  deleteOfUser (userId: string): void {
    this.#deleteOfUser.run(userId)
  }

  /** How many keys of the organisation name this config (by slug or id) in their defaults. */
  countNamingConfig (organisationId: string, slug: string, id: string): number {
    return this.#countNamingConfig.get(slug, id, organisationId)!
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

  /** Stores a new key with the digest of its secret, in one statement. */
  insert (key: ApiKey, keyHash: Buffer): void {
    const parameters = table.encode(key)
    parameters.key_hash = keyHash
    this.#insert.run(parameters)
  }
}
