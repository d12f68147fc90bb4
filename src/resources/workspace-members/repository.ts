import type { Db } from '../../db/open.js'
import { paged } from '../../db/paged.js'
import type { Page } from '../../platform/paging.js'
import type { WorkspaceRole } from '../../schemas/generated.js'
import { membersTable as table, type Member, type MemberOfUser } from './model.js'

export interface MemberFilter {
  workspaceId: string
  role: WorkspaceRole | null
  email: string | null
}

// Memberships read with what they show of their user, in the order they joined.
const FROM = 'FROM workspace_members m JOIN users u ON u.id = m.user_id'
const JOINED = `SELECT ${table.columns.map(column => `m.${column}`).join(', ')}, u.first_name, u.last_name, u.email, u.role AS org_role ${FROM}`
const WHERE = 'WHERE m.workspace_id = @workspaceId AND (@role IS NULL OR m.role = @role) AND (@email IS NULL OR u.email = @email)'
const ORDER = 'm.created_at, m.user_id'

export class MemberRepository {
  readonly #insert
  readonly #ofWorkspace
  readonly #list
  readonly #find
  readonly #setRole
  readonly #delete
  readonly #countIn
  readonly #deleteIn
  readonly #isMember

  constructor (db: Db) {
    this.#insert = db.prepare<Record<string, unknown>>(table.insert)
    this.#ofWorkspace = db.prepare<[string], MemberOfUser>(`${JOINED} WHERE m.workspace_id = ? ORDER BY ${ORDER}`)
    this.#list = paged<MemberFilter, MemberOfUser>(db, { select: JOINED, count: `SELECT count(*) ${FROM}`, where: WHERE, order: ORDER })
    this.#find = db.prepare<[string, string], MemberOfUser>(`${JOINED} WHERE m.workspace_id = ? AND m.user_id = ?`)
    this.#setRole = db.prepare<[WorkspaceRole, number, string, string]>(
      'UPDATE workspace_members SET role = ?, last_updated_at = ? WHERE workspace_id = ? AND user_id = ?')
    this.#delete = db.prepare<[string, string]>('DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?')
    this.#countIn = db.prepare<[string], number>('SELECT count(*) FROM workspace_members WHERE workspace_id = ?').pluck()
    this.#deleteIn = db.prepare<[string]>('DELETE FROM workspace_members WHERE workspace_id = ?')
    this.#isMember = db.prepare<[string, string], number>('SELECT 1 FROM workspace_members WHERE workspace_id = ? AND user_id = ?').pluck()
  }

  insert (member: Member): void { this.#insert.run(table.encode(member)) }

  /** A workspace's members with their users, in the order they joined. */
  ofWorkspace (workspaceId: string): MemberOfUser[] { return this.#ofWorkspace.all(workspaceId) }

  list (filter: MemberFilter, page: Page): { total: number, items: MemberOfUser[] } { return this.#list(filter, page) }

  find (workspaceId: string, userId: string): MemberOfUser | undefined { return this.#find.get(workspaceId, userId) }

  setRole (workspaceId: string, userId: string, role: WorkspaceRole, now: number): void { this.#setRole.run(role, now, workspaceId, userId) }

  delete (workspaceId: string, userId: string): void { this.#delete.run(workspaceId, userId) }

  countIn (workspaceId: string): number { return this.#countIn.get(workspaceId)! }

  deleteIn (workspaceId: string): void { this.#deleteIn.run(workspaceId) }

  isMember (workspaceId: string, userId: string): boolean { return this.#isMember.get(workspaceId, userId) !== undefined }
}
