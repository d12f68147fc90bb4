import type { OrganisationRole } from '../schemas/generated.js'
import type { Db } from './open.js'
import { table } from './table.js'

export interface Organisation { id: string, name: string, created_at: number }

export interface User {
  id: string
  organisation_id: string
  email: string
  first_name: string
  last_name: string
  role: OrganisationRole
  created_at: number
  last_updated_at: number
}

const usersTable = table<User>('users', {
  id: 'value', organisation_id: 'value', email: 'value', first_name: 'value', last_name: 'value', role: 'value',
  created_at: 'value', last_updated_at: 'value',
})

// Organisations, and their users.
export class OrganisationRepository {
  readonly #insertOrganisation
  readonly #insertUser
  readonly #findUser
  readonly #anyOrganisation

  constructor (db: Db) {
    this.#insertOrganisation = db.prepare<Organisation>('INSERT INTO organisations (id, name, created_at) VALUES (@id, @name, @created_at)')
    this.#insertUser = db.prepare<Record<string, unknown>>(usersTable.insert)
    this.#findUser = db.prepare<[string, string], unknown[]>(`${usersTable.select} WHERE organisation_id = ? AND id = ?`).raw()
    this.#anyOrganisation = db.prepare<[], { id: string }>('SELECT id FROM organisations LIMIT 1')
  }

  insertOrganisation (organisation: Organisation): void { this.#insertOrganisation.run(organisation) }
  insertUser (user: User): void { this.#insertUser.run(usersTable.encode(user)) }

  findUser (organisationId: string, id: string): User | undefined {
    const row = this.#findUser.get(organisationId, id)
    return row && usersTable.decode(row)
  }

  isEmpty (): boolean { return this.#anyOrganisation.get() === undefined }
}
