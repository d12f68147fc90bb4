// The README's code examples, as a reader copies them, for the tests that run them.
import { readFileSync } from 'node:fs'
import { defaultConfig } from '../src/config.js'

export const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** The port the README's examples are written for, the default; a test gives them its own server's. */
export const README_PORT = defaultConfig().port

/** The README's fenced code blocks in a language, in order, each without its fence's indentation. */
export function examples (language: string): string[] {
  const fence = new RegExp(`^( *)\`\`\`${language}\\n([\\s\\S]*?)^\\1\`\`\`$`, 'gm')
  return [...readme.matchAll(fence)].map(([, indent, body]) => body.split('\n').map(line => line.slice(indent.length)).join('\n'))
}
