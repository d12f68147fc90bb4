import type { Random } from '../random.js'

/** Portkey's slugs: a prefix, the name in lower case with dashes (40 characters at most), and 6 random hex digits. */
export function slugFor (prefix: 'ws' | 'pc', name: string, fallback: string, random: Random): string {
  const words = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '')
  return `${prefix}-${words || fallback}-${random.bytes(3).toString('hex')}`
}
