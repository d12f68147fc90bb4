import type { Db } from '../../db/open.js'
import { paged } from '../../db/paged.js'
import { TableRepository } from '../../db/table.js'
import type { Page } from '../../platform/paging.js'
import type { InviteRole } from '../../schemas/generated.js'
import { invitesTable as table, type Invite } from './model.js'

export interface InviteFilter {
  organisationId: string
  role: InviteRole | null
  email: string | null
  /** Stored statuses; an expired invite is stored as pending. */
  status: Invite['status'] | null
  /** With status: pending, only those whose expires_at is past (expired) or not (pending). */
  expiredBefore: number | null
  pendingAfter: number | null
}

const WHERE = {
  organisationId: 'organisation_id = ?', role: 'role = ?', email: 'email = ?', status: 'status = ?',
  expiredBefore: 'expires_at <= ?', pendingAfter: 'expires_at > ?',
}

export class InviteRepository extends TableRepository<Invite> {
  readonly #find
  readonly #pendingFor
  readonly #list

  constructor (db: Db) {
    super(db, table, ['organisation_id', 'created_at'])
    this.#find = db.prepare<[string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND id = ?`).raw()
    this.#pendingFor = db.prepare<[string, string, number], unknown[]>(
      `${table.select} WHERE organisation_id = ? AND email = ? AND status = 'pending' AND expires_at > ?`).raw()
    this.#list = paged<InviteFilter, Invite>(db, {
      select: table.select, count: 'SELECT count(*) FROM invites', where: WHERE, order: 'created_at DESC, id DESC', decode: table.decode,
    })
  }

  find (organisationId: string, id: string): Invite | undefined {
    return table.maybe(this.#find.get(organisationId, id))
  }

  /** The invite of this email still waiting for an answer at `now`, if any. */
  pendingFor (organisationId: string, email: string, now: number): Invite | undefined {
    return table.maybe(this.#pendingFor.get(organisationId, email, now))
  }

  list (filter: InviteFilter, page: Page): { total: number, items: Invite[] } { return this.#list(filter, page) }
}
