import type { Db } from '../../db/open.js'
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

const WHERE = `WHERE organisation_id = @organisationId AND (@role IS NULL OR role = @role) AND (@email IS NULL OR email = @email)
  AND (@status IS NULL OR status = @status) AND (@expiredBefore IS NULL OR expires_at <= @expiredBefore)
  AND (@pendingAfter IS NULL OR expires_at > @pendingAfter)`

export class InviteRepository {
  readonly #find
  readonly #pendingFor
  readonly #page
  readonly #total
  readonly #insert
  readonly #update
  readonly #delete

  constructor (db: Db) {
    this.#find = db.prepare<[string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND id = ?`).raw()
    this.#pendingFor = db.prepare<[string, string, number], unknown[]>(
      `${table.select} WHERE organisation_id = ? AND email = ? AND status = 'pending' AND expires_at > ?`).raw()
    this.#page = db.prepare<[InviteFilter & Page], unknown[]>(`${table.select} ${WHERE} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`).raw()
    this.#total = db.prepare<[InviteFilter], number>(`SELECT count(*) FROM invites ${WHERE}`).pluck()
    this.#insert = db.prepare<Record<string, unknown>>(table.insert)
    this.#update = db.prepare<Record<string, unknown>>(table.update(['id', 'organisation_id', 'created_at'], 'id'))
    this.#delete = db.prepare<[string]>('DELETE FROM invites WHERE id = ?')
  }

  find (organisationId: string, id: string): Invite | undefined {
    const row = this.#find.get(organisationId, id)
    return row && table.decode(row)
  }

  /** The invite of this email still waiting for an answer at `now`, if any. */
  pendingFor (organisationId: string, email: string, now: number): Invite | undefined {
    const row = this.#pendingFor.get(organisationId, email, now)
    return row && table.decode(row)
  }

  list (filter: InviteFilter, page: Page): { total: number, invites: Invite[] } {
    const total = this.#total.get(filter)!
    if (page.offset >= total) return { total, invites: [] }
    return { total, invites: this.#page.all({ ...filter, ...page }).map(table.decode) }
  }

  insert (invite: Invite): void { this.#insert.run(table.encode(invite)) }
  update (invite: Invite): void { this.#update.run(table.encode(invite)) }
  delete (id: string): void { this.#delete.run(id) }
}
