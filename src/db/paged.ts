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
export const LIMIT_OFFSET = {
  named: 'LIMIT CAST(@limit AS INTEGER) OFFSET CAST(@offset AS INTEGER)',
  positional: 'LIMIT CAST(? AS INTEGER) OFFSET CAST(? AS INTEGER)',
}

/**
 * A list statement, prepared once: a page of what matches a filter, and how many match in all. A
 * page past the last match reads nothing, and no offset beyond SQLite's integers reaches the store.
 */
export function paged<F extends object, T> (db: Db, query: PagedQuery<T>): (filter: F, page: Page) => { total: number, items: T[] } {
  const total = db.prepare<[F], number>(`${query.count} ${query.where}`).pluck()
  const rows = db.prepare<[F & Page], unknown>(`${query.select} ${query.where} ORDER BY ${query.order} ${LIMIT_OFFSET.named}`)
  const { decode } = query
  if (decode) rows.raw()
  return (filter, page) => {
    const count = total.get(filter)!
    if (page.offset >= count) return { total: count, items: [] }
    const found = rows.all({ ...filter, ...page })
    return { total: count, items: decode ? (found as unknown[][]).map(decode) : found as T[] }
  }
}
