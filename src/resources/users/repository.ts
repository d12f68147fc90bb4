import type { Db } from '../../db/open.js'
import type { Page } from '../../platform/paging.js'
import type { OrganisationRole } from '../../schemas/generated.js'
import { usersTable as table, type User } from './model.js'

export interface UserFilter {
  organisationId: string
  role: OrganisationRole | null
  email: string | null
}

const WHERE = 'WHERE organisation_id = @organisationId AND (@role IS NULL OR role = @role) AND (@email IS NULL OR email = @email)'

export class UserRepository {
  readonly #find
  readonly #findByEmail
  readonly #page
  readonly #total
  readonly #workspaceIds
  readonly #insert
  readonly #setRole
  readonly #delete
  readonly #deleteMemberships

  constructor (db: Db) {
    this.#find = db.prepare<[string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND id = ?`).raw()
    this.#findByEmail = db.prepare<[string], unknown[]>(`${table.select} WHERE email = ?`).raw()
    this.#page = db.prepare<[UserFilter & Page], unknown[]>(`${table.select} ${WHERE} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`).raw()
    this.#total = db.prepare<[UserFilter], number>(`SELECT count(*) FROM users ${WHERE}`).pluck()
    this.#workspaceIds = db.prepare<[string], string>('SELECT workspace_id FROM workspace_members WHERE user_id = ? ORDER BY created_at, workspace_id').pluck()
    this.#insert = db.prepare<Record<string, unknown>>(table.insert)
    this.#setRole = db.prepare<[OrganisationRole, number, string]>('UPDATE users SET role = ?, last_updated_at = ? WHERE id = ?')
    this.#delete = db.prepare<[string]>('DELETE FROM users WHERE id = ?')
    this.#deleteMemberships = db.prepare<[string]>('DELETE FROM workspace_members WHERE user_id = ?')
  }

  find (organisationId: string, id: string): User | undefined {
    const row = this.#find.get(organisationId, id)
    return row && table.decode(row)
  }

  /** Emails are unique across organisations, as a login is. */
  findByEmail (email: string): User | undefined {
    const row = this.#findByEmail.get(email)
    return row && table.decode(row)
  }

  list (filter: UserFilter, page: Page): { total: number, users: User[] } {
    const total = this.#total.get(filter)!
    if (page.offset >= total) return { total, users: [] }
    return { total, users: this.#page.all({ ...filter, ...page }).map(table.decode) }
  }

  /** The workspaces the user is a member of, in the order they joined. */
  workspaceIds (id: string): string[] { return this.#workspaceIds.all(id) }

  insert (user: User): void { this.#insert.run(table.encode(user)) }
  setRole (id: string, role: OrganisationRole, now: number): void { this.#setRole.run(role, now, id) }

  /** Removes the user and their memberships; their keys go first (ApiKeyRepository.deleteOfUser). */
  delete (id: string): void {
    this.#deleteMemberships.run(id)
    this.#delete.run(id)
  }
}
