import type { Db } from './open.js'

export interface Organisation { id: string, name: string, created_at: number }
export interface Workspace { id: string, organisation_id: string, slug: string, name: string, created_at: number }
export interface User { id: string, organisation_id: string, email: string, first_name: string, last_name: string, created_at: number }

// Organisations and what belongs to them besides keys: workspaces and users.
export class OrganisationRepository {
  readonly #insertOrganisation
  readonly #insertWorkspace
  readonly #insertUser
  readonly #findWorkspace
  readonly #findUser
  readonly #anyOrganisation

  constructor (db: Db) {
    this.#insertOrganisation = db.prepare<Organisation>('INSERT INTO organisations (id, name, created_at) VALUES (@id, @name, @created_at)')
    this.#insertWorkspace = db.prepare<Workspace>(
      'INSERT INTO workspaces (id, organisation_id, slug, name, created_at) VALUES (@id, @organisation_id, @slug, @name, @created_at)')
    this.#insertUser = db.prepare<User>(
      'INSERT INTO users (id, organisation_id, email, first_name, last_name, created_at) VALUES (@id, @organisation_id, @email, @first_name, @last_name, @created_at)')
    // A workspace is named by its UUID or its slug; both are unique.
    this.#findWorkspace = db.prepare<[string, string, string], Workspace>(
      'SELECT * FROM workspaces WHERE organisation_id = ? AND (id = ? OR slug = ?)')
    this.#findUser = db.prepare<[string, string], User>('SELECT * FROM users WHERE organisation_id = ? AND id = ?')
    this.#anyOrganisation = db.prepare<[], { id: string }>('SELECT id FROM organisations LIMIT 1')
  }

  insertOrganisation (organisation: Organisation): void { this.#insertOrganisation.run(organisation) }
  insertWorkspace (workspace: Workspace): void { this.#insertWorkspace.run(workspace) }
  insertUser (user: User): void { this.#insertUser.run(user) }

  findWorkspace (organisationId: string, idOrSlug: string): Workspace | undefined {
    return this.#findWorkspace.get(organisationId, idOrSlug, idOrSlug)
  }

  findUser (organisationId: string, id: string): User | undefined {
    return this.#findUser.get(organisationId, id)
  }

  isEmpty (): boolean { return this.#anyOrganisation.get() === undefined }
}
