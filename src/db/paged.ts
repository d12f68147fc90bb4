import type { Page } from '../platform/paging.js'
import type { Db } from './open.js'

export interface PagedQuery<T> {
  /** `SELECT ... FROM ...` (joins included), without WHERE. */
  select: string
  /** `SELECT count(*) FROM ...`, the same tables. */
  count: string
  /** The filter, with named parameters; an absent filter is a NULL that matches everything. */
  where: string
  order: string
  /** Rows are read as arrays and decoded; without it, as objects. */
  decode?: (row: unknown[]) => T
}

// A bare parameter in LIMIT or OFFSET is one SQLite may plan by, so binding it marks the statement
// expired and the next step prepares it again: ~4 µs on every page read (measured). A cast hides it.
export const LIMIT_OFFSET = 'LIMIT CAST(? AS INTEGER) OFFSET CAST(? AS INTEGER)'

/**
 * A list statement, prepared once: a page of what matches a filter, and how many match in all. A
 * page past the last match reads nothing, and no offset beyond SQLite's integers reaches the store.
 */
export function paged<F extends object, T> (db: Db, query: PagedQuery<T>): (filter: F, page: Page) => { total: number, items: T[] } {
  const total = db.prepare<[F], number>(`${query.count} ${query.where}`).pluck()
  // The page is bound by position beside the named filter: merging the two into one object cost ~1 µs.
  const rows = db.prepare<[number, number, F], unknown>(`${query.select} ${query.where} ORDER BY ${query.order} ${LIMIT_OFFSET}`)
  const { decode } = query
  if (decode) rows.raw()
  return (filter, page) => {
    const count = total.get(filter)!
    if (page.offset >= count) return { total: count, items: [] }
    const found = rows.all(page.limit, page.offset, filter)
    return { total: count, items: decode ? (found as unknown[][]).map(decode) : found as T[] }
  }
}
