import type { Db } from '../../db/open.js'
import { paged } from '../../db/paged.js'
import { TableRepository } from '../../db/table.js'
import type { Page } from '../../platform/paging.js'
import type { OrganisationRole } from '../../schemas/generated.js'
import { usersTable as table, type User } from './model.js'

export interface UserFilter {
  organisationId: string
  role: OrganisationRole | null
  email: string | null
}

const WHERE = { organisationId: 'organisation_id = ?', role: 'role = ?', email: 'email = ?' }

export class UserRepository extends TableRepository<User> {
  readonly #find
  readonly #findByEmail
  readonly #list
  readonly #workspaceIds
  readonly #setRole
  readonly #deleteMemberships

  constructor (db: Db) {
    super(db, table, ['organisation_id', 'email', 'created_at'])
    this.#find = db.prepare<[string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND id = ?`).raw()
    this.#findByEmail = db.prepare<[string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND email = ?`).raw()
    this.#list = paged<UserFilter, User>(db, {
      select: table.select, count: 'SELECT count(*) FROM users', where: WHERE, order: 'created_at DESC, id DESC', decode: table.decode,
    })
    this.#workspaceIds = db.prepare<[string], string>('SELECT workspace_id FROM workspace_members WHERE user_id = ? ORDER BY created_at, seq').pluck()
    this.#setRole = db.prepare<[OrganisationRole, number, string]>('UPDATE users SET role = ?, last_updated_at = ? WHERE id = ?')
    this.#deleteMemberships = db.prepare<[string]>('DELETE FROM workspace_members WHERE user_id = ?')
  }

  find (organisationId: string, id: string): User | undefined {
    return table.maybe(this.#find.get(organisationId, id))
  }

  /** Emails are unique within an organisation; the same person may belong to two. */
  findByEmail (organisationId: string, email: string): User | undefined {
    return table.maybe(this.#findByEmail.get(organisationId, email))
  }

  list (filter: UserFilter, page: Page): { total: number, items: User[] } { return this.#list(filter, page) }

  /** The workspaces the user is a member of, in the order they joined. */
  workspaceIds (id: string): string[] { return this.#workspaceIds.all(id) }

  setRole (id: string, role: OrganisationRole, now: number): void { this.#setRole.run(role, now, id) }

  /** Removes the user and their memberships; their keys go first (ApiKeyRepository.deleteOfUser). */
  override delete (id: string): void {
    this.#deleteMemberships.run(id)
    super.delete(id)
  }
}
