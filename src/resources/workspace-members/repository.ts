import type { Db } from '../../db/open.js'
import { membersTable as table, type Member, type MemberOfUser } from './model.js'

export class MemberRepository {
  readonly #insert
  readonly #ofWorkspace
  readonly #countIn
  readonly #deleteIn
  readonly #isMember

  constructor (db: Db) {
    this.#insert = db.prepare<Record<string, unknown>>(table.insert)
    this.#ofWorkspace = db.prepare<[string], MemberOfUser>(`
      SELECT ${table.columns.map(column => `m.${column}`).join(', ')}, u.first_name, u.last_name, u.email, u.role AS org_role
      FROM workspace_members m JOIN users u ON u.id = m.user_id
      WHERE m.workspace_id = ? ORDER BY m.created_at, m.user_id`)
    this.#countIn = db.prepare<[string], number>('SELECT count(*) FROM workspace_members WHERE workspace_id = ?').pluck()
    this.#deleteIn = db.prepare<[string]>('DELETE FROM workspace_members WHERE workspace_id = ?')
    this.#isMember = db.prepare<[string, string], number>('SELECT 1 FROM workspace_members WHERE workspace_id = ? AND user_id = ?').pluck()
  }

  insert (member: Member): void { this.#insert.run(table.encode(member)) }

  /** A workspace's members with their users, in the order they joined. */
  ofWorkspace (workspaceId: string): MemberOfUser[] { return this.#ofWorkspace.all(workspaceId) }

  countIn (workspaceId: string): number { return this.#countIn.get(workspaceId)! }

  deleteIn (workspaceId: string): void { this.#deleteIn.run(workspaceId) }

  isMember (workspaceId: string, userId: string): boolean { return this.#isMember.get(workspaceId, userId) !== undefined }
}
