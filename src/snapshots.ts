import type { Clock } from './clock.js'
import type { Store } from './db/store.js'
import { notFound } from './errors.js'
import type { MockSnapshot } from './schemas/generated.js'
import { formatInstant } from './time.js'

/** Named images of the whole store, kept for as long as the process runs. */
export class Snapshots {
  readonly #taken = new Map<string, { image: Buffer, at: number }>()

  constructor (private readonly store: Store, private readonly clock: Clock) {}

  take (name: string): MockSnapshot {
    const snapshot = { image: this.store.image(), at: this.clock.now() }
    // Taken again, a name moves to the end: the map's order is the order of taking.
    this.#taken.delete(name)
    this.#taken.set(name, snapshot)
    return describe(name, snapshot)
  }

  /** The store becomes what it was when `name` was taken; the snapshot stays. */
  restore (name: string): MockSnapshot {
    const snapshot = this.#named(name)
    this.store.restore(snapshot.image)
    return describe(name, snapshot)
  }

  /**
   * The most recently taken first. Not by created_at: a frozen clock gives snapshots the same one,
   * and a clock set back gives a later one an earlier one.
   */
  list (): MockSnapshot[] {
    return [...this.#taken].reverse().map(([name, snapshot]) => describe(name, snapshot))
  }

  delete (name: string): void {
    this.#named(name)
    this.#taken.delete(name)
  }

  #named (name: string) {
    const snapshot = this.#taken.get(name)
    if (!snapshot) throw notFound(`No snapshot named ${name}`)
    return snapshot
  }
}

const describe = (name: string, { image, at }: { image: Buffer, at: number }): MockSnapshot =>
  ({ name, created_at: formatInstant(at), bytes: image.length })
