import type { Db } from './open.js'

/**
 * Rows written on `db`'s connection since it was opened (SQLite's total_changes()): it moves with
 * every write, whatever the path, so a memo of what was read can tell it may be stale.
 */
export function writeCount (db: Db): () => number {
  const statement = db.prepare<[], number>('SELECT total_changes()').pluck()
  return () => statement.get()!
}

/**
 * `read`, remembered by its arguments (as `keyOf` names them) until anything is written on `db`'s
 * connection (writeCount), so nothing that changes what was read can be missed. A restore opens a
 * new connection, and with it new repositories. What is kept is shared between callers, so it is
 * handed out read-only.
 */
export function untilWritten<A extends unknown[], R> (db: Db, read: (...args: A) => R, keyOf: (...args: A) => string, size = 256): (...args: A) => Readonly<R> {
  const writes = writeCount(db)
  const kept = new Map<string, R>()
  let keptAt = -1
  return (...args) => {
    const now = writes()
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
