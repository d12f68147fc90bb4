// The suite runs TypeScript without checking types; this is where they are checked.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

t.test('the whole project type-checks', async t => {
  const tsc = fileURLToPath(new URL('../node_modules/.bin/tsc', import.meta.url))
  const result = spawnSync(tsc, ['--noEmit', '-p', '.'], { encoding: 'utf8' })
  t.equal(result.status, 0, result.stdout || result.stderr)
})
