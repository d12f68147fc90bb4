import fp from 'fastify-plugin'
import { ApiKeyRepository } from '../resources/api-keys/repository.js'
import { openDatabase, type Db } from './open.js'
import { OrganisationRepository } from './organisations.js'
import { seed, type DevSecrets } from './seed.js'

export interface Store {
  db: Db
  organisations: OrganisationRepository
  apiKeys: ApiKeyRepository
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
  const store: Store = { db, organisations: new OrganisationRepository(db), apiKeys: new ApiKeyRepository(db) }
  if (store.organisations.isEmpty()) seed(db, store.organisations, store.apiKeys, dev)
  app.decorate('store', store)
  app.addHook('onClose', () => { db.close() })
}, { name: 'store', fastify: '5.x' })
