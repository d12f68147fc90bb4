import type { Random } from '../random.js'

/**
 * Portkey's slugs: a prefix, the name in lower case with dashes (40 characters at most), and 6 random
 * hex digits, drawn again while `taken` says the organisation has the slug already. Two draws meet
 * once in 16.7 million, but an organisation given a thousand workspaces of one name meets it once
 * in about thirty, and a slug is unique within its organisation.
 */
export function slugFor (prefix: 'ws' | 'pc', name: string, fallback: string, random: Random, taken: (slug: string) => boolean): string {
  const words = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '')
  let slug: string
  do slug = `${prefix}-${words || fallback}-${random.bytes(3).toString('hex')}`
  while (taken(slug))
  return slug
}
