import type { Db } from '../../db/open.js'
import type { Page } from '../../platform/paging.js'
import { workspacesTable as table, type Workspace } from './model.js'

export interface WorkspaceFilter {
  organisationId: string
  /** Only this workspace (a workspace key's own); null for all of the organisation's. */
  workspaceId: string | null
  /** Part of the name, case sensitive. */
  name: string | null
  exactName: string | null
}

// One statement serves every filter: an absent filter is a NULL that matches everything.
const WHERE = `WHERE organisation_id = @organisationId AND (@workspaceId IS NULL OR id = @workspaceId)
  AND (@name IS NULL OR instr(name, @name) > 0) AND (@exactName IS NULL OR name = @exactName)`

export class WorkspaceRepository {
  readonly #find
  readonly #defaultOf
  readonly #page
  readonly #total
  readonly #insert
  readonly #update
  readonly #delete

  constructor (db: Db) {
    // A workspace is named by its UUID or its slug; both are unique.
    this.#find = db.prepare<[string, string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND (id = ? OR slug = ?)`).raw()
    this.#defaultOf = db.prepare<[string], unknown[]>(`${table.select} WHERE organisation_id = ? AND is_default = 1`).raw()
    this.#page = db.prepare<[WorkspaceFilter & Page], unknown[]>(`${table.select} ${WHERE} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`).raw()
    this.#total = db.prepare<[WorkspaceFilter], number>(`SELECT count(*) FROM workspaces ${WHERE}`).pluck()
    this.#insert = db.prepare<Record<string, unknown>>(table.insert)
    // Where a workspace belongs, its slug and whether it is the default never change.
    this.#update = db.prepare<Record<string, unknown>>(table.update(['id', 'organisation_id', 'slug', 'is_default', 'created_at'], 'id'))
    this.#delete = db.prepare<[string]>('DELETE FROM workspaces WHERE id = ?')
  }

  find (organisationId: string, idOrSlug: string): Workspace | undefined {
    const row = this.#find.get(organisationId, idOrSlug, idOrSlug)
    return row && table.decode(row)
  }

  /** The organisation's default workspace, if it has one. */
  defaultOf (organisationId: string): Workspace | undefined {
    const row = this.#defaultOf.get(organisationId)
    return row && table.decode(row)
  }

  list (filter: WorkspaceFilter, page: Page): { total: number, workspaces: Workspace[] } {
    const total = this.#total.get(filter)!
    if (page.offset >= total) return { total, workspaces: [] }
    return { total, workspaces: this.#page.all({ ...filter, ...page }).map(table.decode) }
  }

  insert (workspace: Workspace): void { this.#insert.run(table.encode(workspace)) }
  update (workspace: Workspace): void { this.#update.run(table.encode(workspace)) }
  delete (id: string): void { this.#delete.run(id) }
}
