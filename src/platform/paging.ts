// Portkey's lists: a page counted from 0, and the envelope around it. The validator has filled in
// the contract's defaults, so a handler always has both numbers.

export interface Page {
  limit: number
  offset: number
}

export const pageOf = (size: number, current: number): Page => ({ limit: size, offset: size * current })

/** `{total, object: "list", data}`: `total` counts every match, not just this page. */
export const listEnvelope = <T>(total: number, data: T[]) => ({ total, object: 'list' as const, data })
