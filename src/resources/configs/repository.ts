import type { Db } from '../../db/open.js'
import { paged } from '../../db/paged.js'
import type { Page } from '../../platform/paging.js'
import { configsTable as table, versionOf, versionsTable, type Config, type ConfigVersion } from './model.js'

export interface ConfigFilter {
  organisationId: string
  /** Only this workspace's configs; null for the whole organisation. */
  workspaceId: string | null
}

const WHERE = { organisationId: 'organisation_id = ?', workspaceId: 'workspace_id = ?' }

export class ConfigRepository {
  readonly #find
  readonly #list
  readonly #versions
  readonly #countInWorkspace
  readonly #deleteInWorkspace
  readonly #delete
  readonly #save

  constructor (db: Db) {
    // A config is named by its slug, or by its UUID.
    this.#find = db.prepare<[string, string, string], unknown[]>(`${table.select} WHERE organisation_id = ? AND (slug = ? OR id = ?)`).raw()
    this.#list = paged<ConfigFilter, Config>(db, {
      select: table.select, count: 'SELECT count(*) FROM configs', where: WHERE, order: 'created_at DESC, id DESC', decode: table.decode,
    })
    // Versions saved in the same millisecond keep the order they were saved in (rowid).
    this.#versions = db.prepare<[string], unknown[]>(`${versionsTable.select} WHERE config_id = ? ORDER BY created_at DESC, rowid DESC`).raw()
    this.#countInWorkspace = db.prepare<[string], number>('SELECT count(*) FROM configs WHERE workspace_id = ?').pluck()
    this.#deleteInWorkspace = db.prepare<[string]>('DELETE FROM configs WHERE workspace_id = ?')
    this.#delete = db.prepare<[string]>('DELETE FROM configs WHERE id = ?')
    const insert = db.prepare<Record<string, unknown>>(table.insert)
    const update = db.prepare<Record<string, unknown>>(table.update(['id', 'organisation_id', 'workspace_id', 'slug', 'created_at'], 'id'))
    const insertVersion = db.prepare<Record<string, unknown>>(versionsTable.insert)
    // Built once: a config and the version it now is, together or not at all.
    this.#save = db.transaction((config: Config, isNew: boolean) => {
      if (isNew) insert.run(table.encode(config))
      else update.run(table.encode(config))
      insertVersion.run(versionsTable.encode(versionOf(config)))
    })
  }

  find (organisationId: string, slugOrId: string): Config | undefined {
    return table.maybe(this.#find.get(organisationId, slugOrId, slugOrId))
  }

  list (filter: ConfigFilter, page: Page): { total: number, items: Config[] } { return this.#list(filter, page) }

  /** Every version of a config, newest first. */
  versions (configId: string): ConfigVersion[] { return this.#versions.all(configId).map(versionsTable.decode) }

  /** Stores a new config with its first version. */
  insert (config: Config): void { this.#save(config, true) }
  /** Stores a config's new state as its next version. */
  update (config: Config): void { this.#save(config, false) }
  /** Deletes a config and its versions. */
  delete (id: string): void { this.#delete.run(id) }

  countInWorkspace (workspaceId: string): number { return this.#countInWorkspace.get(workspaceId)! }
  deleteInWorkspace (workspaceId: string): void { this.#deleteInWorkspace.run(workspaceId) }
}
