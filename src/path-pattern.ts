// A fault rule's path pattern (POST /__mock/faults): its segments, each a glob, where `*` is any run
// of characters within the segment, or `**`, any number of whole segments; /v1 optional on both
// sides, as the routes serve both. Matched segment by segment, in time at most the product of the
// two lengths: a regular expression of the same pattern backtracked for minutes on a crafted one
// (`a*a*a*...b` against a segment of `a`s), with the server's one thread.

/** A path's segments as the router reads them: without /v1, and without empty ones (doubled and trailing slashes). */
export function segmentsOf (path: string): string[] {
  const segments = path.split('/').filter(segment => segment !== '')
  return segments[0] === 'v1' ? segments.slice(1) : segments
}

// One glob against one segment: the classic walk that, at a mismatch, goes back only to the last `*`.
function globMatches (glob: string, text: string): boolean {
  let g = 0
  let t = 0
  let star = -1
  let resume = 0
  while (t < text.length) {
    if (g < glob.length && glob[g] === '*') {
      star = g++
      resume = t
    } else if (g < glob.length && glob[g] === text[t]) {
      g++
      t++
    } else if (star !== -1) {
      g = star + 1
      t = ++resume
    } else {
      return false
    }
  }
  while (g < glob.length && glob[g] === '*') g++
  return g === glob.length
}

/**
 * Whether a pattern's segments match a path's; a path segment that `matchesAny` says stands for any
 * segment (a route's `:id`) matches every glob.
 */
export function matches (pattern: readonly string[], path: readonly string[], matchesAny: (segment: string) => boolean = () => false): boolean {
  // after[j]: whether the pattern from the segment after this one on matches the path from j on.
  let after = path.map(() => false).concat(true)
  for (let i = pattern.length - 1; i >= 0; i--) {
    const glob = pattern[i]
    const here = new Array<boolean>(path.length + 1).fill(false)
    for (let j = path.length; j >= 0; j--) {
      here[j] = glob === '**'
        ? after[j] || (j < path.length && here[j + 1])
        : j < path.length && after[j + 1] && (matchesAny(path[j]) || globMatches(glob, path[j]))
    }
    after = here
  }
  return after[0]
}
