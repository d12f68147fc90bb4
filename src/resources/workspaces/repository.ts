import type { Db } from '../../db/open.js'
import { paged } from '../../db/paged.js'
import { TableRepository } from '../../db/table.js'
import { untilWritten } from '../../db/until-written.js'
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

const WHERE = { organisationId: 'organisation_id = ?', workspaceId: 'id = ?', name: 'instr(name, ?) > 0', exactName: 'name = ?' }

// Where a workspace belongs, its slug and whether it is the default never change.
export class WorkspaceRepository extends TableRepository<Workspace> {
  readonly #find
  readonly #defaultOf
  readonly #list

  constructor (db: Db) {
    super(db, table, ['organisation_id', 'slug', 'is_default', 'created_at'])
    // A workspace is named by its UUID or its slug; both are unique.
    this.#find = db.prepare<[string, string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND (id = ? OR slug = ?)`).raw()
    this.#defaultOf = db.prepare<[string], unknown[]>(`${table.select} WHERE organisation_id = ? AND is_default = 1`).raw()
    const list = paged<WorkspaceFilter, Workspace>(db, {
      select: table.select, count: 'SELECT count(*) FROM workspaces', where: WHERE, order: 'created_at DESC, id DESC', decode: table.decode,
    })
    // A page is remembered until the next write, as a workspace's members are: a list read again
    // before anything changes (a test polling it, a load) skips its statement (~5 µs). Keyed by the
    // whole filter and page, so that a field added to either is never left out of the key.
    this.#list = untilWritten(db, list, (filter, page) => JSON.stringify([filter, page]))
  }

  find (organisationId: string, idOrSlug: string): Workspace | undefined {
    return table.maybe(this.#find.get(organisationId, idOrSlug, idOrSlug))
  }

  /** The organisation's default workspace, if it has one. */
  defaultOf (organisationId: string): Workspace | undefined {
    return table.maybe(this.#defaultOf.get(organisationId))
  }

  list (filter: WorkspaceFilter, page: Page): { total: number, items: readonly Workspace[] } { return this.#list(filter, page) }
}
