import fp from 'fastify-plugin'
import { ApiKeyRepository } from '../resources/api-keys/repository.js'
import { ConfigRepository } from '../resources/configs/repository.js'
import { InviteRepository } from '../resources/invites/repository.js'
import { UserRepository } from '../resources/users/repository.js'
import { MemberRepository } from '../resources/workspace-members/repository.js'
import { WorkspaceRepository } from '../resources/workspaces/repository.js'
import { openDatabase, type Db } from './open.js'
import { OrganisationRepository } from './organisations.js'
import { seed, type DevSecrets } from './seed.js'

export interface Store {
  db: Db
  organisations: OrganisationRepository
  users: UserRepository
  invites: InviteRepository
  configs: ConfigRepository
  workspaces: WorkspaceRepository
  members: MemberRepository
  apiKeys: ApiKeyRepository
  /** Empties every table and loads the seed again, in one transaction. */
  reset (): void
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
  }
}

export interface StoreOptions {
  /** A file path, or `:memory:`. */
  path: string
  dev: DevSecrets
}

// Opens and migrates the database, seeds it when it holds no organisation yet, and closes it with
// the app. A file database that was seeded before keeps its own keys.
export default fp<StoreOptions>(async (app, { path, dev }) => {
  const db = openDatabase(path)
  const store: Store = {
    db,
    reset: () => reset(),
    organisations: new OrganisationRepository(db),
    users: new UserRepository(db),
    invites: new InviteRepository(db),
    configs: new ConfigRepository(db),
    workspaces: new WorkspaceRepository(db),
    members: new MemberRepository(db),
    apiKeys: new ApiKeyRepository(db),
  }
  // Foreign keys are checked at commit, so the tables can be emptied in any order; every table there
  // is, so that one added later is never forgotten.
  const reset = db.transaction(() => {
    db.pragma('defer_foreign_keys = ON')
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]
    for (const table of tables) db.prepare(`DELETE FROM "${table}"`).run()
    seed(store, dev)
  })
  if (store.organisations.isEmpty()) seed(store, dev)
  app.decorate('store', store)
  app.addHook('onClose', () => { db.close() })
}, { name: 'store', fastify: '5.x' })
