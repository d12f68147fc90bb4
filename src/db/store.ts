import { renameSync, rmSync, writeFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import { ApiKeyRepository } from '../resources/api-keys/repository.js'
import { ConfigRepository } from '../resources/configs/repository.js'
import { InviteRepository } from '../resources/invites/repository.js'
import { UserRepository } from '../resources/users/repository.js'
import { MemberRepository } from '../resources/workspace-members/repository.js'
import { WorkspaceRepository } from '../resources/workspaces/repository.js'
import { applyPlans } from '../fixtures/apply.js'
import type { OrganisationPlan } from '../fixtures/plan.js'
import { hashSecret } from '../secrets.js'
import { openDatabase, openImage, type Db } from './open.js'
import { OrganisationRepository } from './organisations.js'
import { writeCount } from './until-written.js'

// The images of the seeds in-memory stores of this process were opened with most recently: a test
// suite builds many apps on one seed, and a copy of the image is far quicker than migrating and
// seeding again.
const SEEDED_IMAGES = 8
const seededImages = new Map<string, Buffer>()

/**
 * The database and a repository per table family. A restore swaps the connection underneath, so
 * handlers reach repositories through the store at each request, never keep one of their own.
 */
export class Store {
  db!: Db
  organisations!: OrganisationRepository
  users!: UserRepository
  invites!: InviteRepository
  configs!: ConfigRepository
  workspaces!: WorkspaceRepository
  members!: MemberRepository
  apiKeys!: ApiKeyRepository

  #seedImage: Buffer | undefined
  #writes!: () => number

  /** Opens and migrates the database, and loads the seed into it if it holds no organisation yet. */
  constructor (readonly path: string, readonly seed: readonly OrganisationPlan[]) {
    const seedKey = path === ':memory:' ? JSON.stringify(seed) : undefined
    const seeded = seedKey === undefined ? undefined : seededImages.get(seedKey)
    if (seeded !== undefined) {
      // Kept as the most recently used.
      seededImages.delete(seedKey!)
      seededImages.set(seedKey!, seeded)
      this.#bind(openImage(seeded))
      this.#seedImage = seeded
      return
    }
    this.#bind(openDatabase(path))
    if (this.organisations.isEmpty()) {
      applyPlans(this, seed)
      if (seedKey !== undefined) {
        this.#seedImage = this.image()
        seededImages.set(seedKey, this.#seedImage)
        if (seededImages.size > SEEDED_IMAGES) seededImages.delete(seededImages.keys().next().value!)
      }
    }
  }

  #bind (db: Db): void {
    this.db = db
    this.organisations = new OrganisationRepository(db)
    this.users = new UserRepository(db)
    this.invites = new InviteRepository(db)
    this.configs = new ConfigRepository(db)
    this.workspaces = new WorkspaceRepository(db)
    this.members = new MemberRepository(db)
    this.apiKeys = new ApiKeyRepository(db)
    this.#writes = writeCount(db)
  }

  /** Rows written on the current connection since it was opened (writeCount). */
  changes (): number {
    return this.#writes()
  }

  /** The seed's keys whose secrets still authenticate (a file store seeded earlier keeps its own). */
  workingSeedKeys (now: number): OrganisationPlan['apiKeys'] {
    return this.seed.flatMap(plan => plan.apiKeys).filter(({ secret }) => this.apiKeys.findBySecret(hashSecret(secret), now))
  }

  /** `fn` in one transaction on whichever connection the store has when it is called. */
  transaction<A extends unknown[], R> (fn: (...args: A) => R): (...args: A) => R {
    let bound: { db: Db, run: (...args: A) => R } | null = null
    return (...args) => {
      if (bound?.db !== this.db) bound = { db: this.db, run: this.db.transaction(fn) }
      return bound.run(...args)
    }
  }

  /** The whole store as one SQLite image, to give back to restore(). */
  image (): Buffer {
    this.mustBeOpen()
    return this.db.serialize()
  }

  /**
   * Puts the store back to an image, whole: an in-memory store becomes a copy of it; a file store's
   * file is replaced by it (written beside it, then renamed over it, so a crash leaves one or the other).
   */
  restore (image: Buffer): void {
    // Closed, a restore would open the store again: a file's, locked by a server that has stopped.
    this.mustBeOpen()
    if (this.path === ':memory:') {
      const next = openImage(image)
      this.db.close()
      this.#bind(next)
      return
    }
    const staged = `${this.path}.restoring`
    writeFileSync(staged, image)
    this.db.close()
    for (const suffix of ['-wal', '-shm']) rmSync(this.path + suffix, { force: true })
    renameSync(staged, this.path)
    this.#bind(openDatabase(this.path))
  }

  /** Back to the seed, whole: what was loaded at the start, whatever has happened since. */
  reset (): void {
    if (this.#seedImage === undefined) {
      const seeded = new Store(':memory:', this.seed)
      this.#seedImage = seeded.image()
      seeded.close()
    }
    this.restore(this.#seedImage)
  }

  close (): void { this.db.close() }

  /** Throws once the store is closed, as its server is. */
  mustBeOpen (): void {
    if (!this.db.open) throw new Error('the store is closed, as its server is')
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
  }
}

export interface StoreOptions {
  /** A file path, or `:memory:`. */
  path: string
  seed: readonly OrganisationPlan[]
}

// The store, closed with the app. A file store that was seeded before keeps what it holds.
export default fp<StoreOptions>(async (app, { path, seed }) => {
  let store: Store
  try {
    store = new Store(path, seed)
  } catch (error) {
    // SQLite's own messages ("file is not a database") do not say which file. The message carries the
    // error's own, so its cause is what lay under that: the log joins each cause's message to the last.
    throw new Error(`cannot open the store ${path}: ${(error as Error).message}`, { cause: (error as Error).cause })
  }
  app.decorate('store', store)
  app.addHook('onClose', () => { store.close() })
}, { name: 'store', fastify: '5.x' })
