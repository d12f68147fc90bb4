import type { Db } from './open.js'

export interface Organisation { id: string, name: string, created_at: number }

// Organisations: what everything else belongs to.
export class OrganisationRepository {
  readonly #insert
  readonly #any

  constructor (db: Db) {
    this.#insert = db.prepare<Organisation>('INSERT INTO organisations (id, name, created_at) VALUES (@id, @name, @created_at)')
    this.#any = db.prepare<[], { id: string }>('SELECT id FROM organisations LIMIT 1')
  }

  insert (organisation: Organisation): void { this.#insert.run(organisation) }

  isEmpty (): boolean { return this.#any.get() === undefined }
}
