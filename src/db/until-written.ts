import type { Db } from './open.js'

/**
 * `read`, remembered by its arguments (as `keyOf` names them) until anything is written on `db`'s
 * connection: SQLite's total_changes() moves with every row written there, whatever the path, so
 * nothing that changes what was read can be missed. A restore opens a new connection, and with it
 * new repositories. What is kept is shared between callers, so it is handed out read-only.
 */
export function untilWritten<A extends unknown[], R> (db: Db, read: (...args: A) => R, keyOf: (...args: A) => string, size = 256): (...args: A) => Readonly<R> {
  const changes = db.prepare<[], number>('SELECT total_changes()').pluck()
  const kept = new Map<string, R>()
  let keptAt = -1
  return (...args) => {
    const now = changes.get()!
    if (now !== keptAt || kept.size >= size) {
      kept.clear()
      keptAt = now
    }
    const key = keyOf(...args)
    let value = kept.get(key)
    if (value === undefined) kept.set(key, value = read(...args))
    return value
  }
}
