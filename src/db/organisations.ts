import type { Db } from './open.js'

export interface Organisation { id: string, name: string, created_at: number }

// Organisations: what everything else belongs to.
export class OrganisationRepository {
  readonly #insert
  readonly #any
  readonly #exists
  readonly #delete

  constructor (db: Db) {
    this.#insert = db.prepare<Organisation>('INSERT INTO organisations (id, name, created_at) VALUES (@id, @name, @created_at)')
    this.#any = db.prepare<[], { id: string }>('SELECT id FROM organisations LIMIT 1')
    this.#exists = db.prepare<[string], number>('SELECT 1 FROM organisations WHERE id = ?').pluck()
    // Children first; secrets and config versions go with their key and config (ON DELETE CASCADE).
    const deletes = [
      'DELETE FROM api_keys WHERE organisation_id = ?',
      'DELETE FROM api_key_tallies WHERE organisation_id = ?',
      'DELETE FROM configs WHERE organisation_id = ?',
      'DELETE FROM invites WHERE organisation_id = ?',
      'DELETE FROM workspace_members WHERE workspace_id IN (SELECT id FROM workspaces WHERE organisation_id = ?)',
      'DELETE FROM workspaces WHERE organisation_id = ?',
      'DELETE FROM users WHERE organisation_id = ?',
      'DELETE FROM organisations WHERE id = ?',
    ].map(sql => db.prepare<[string]>(sql))
    this.#delete = db.transaction((id: string) => { for (const statement of deletes) statement.run(id) })
  }

  insert (organisation: Organisation): void { this.#insert.run(organisation) }

  isEmpty (): boolean { return this.#any.get() === undefined }

  exists (id: string): boolean { return this.#exists.get(id) !== undefined }

  /** The organisation and everything in it. */
  delete (id: string): void { this.#delete(id) }
}
