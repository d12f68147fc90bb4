import { readFileSync } from 'node:fs'
import t from 'tap'
import { SETTINGS } from '../src/config.js'
import { DEV, SEED } from './helper.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

t.test('the README names the two set-up commands, every setting and the dev keys', async t => {
  t.match(readme, 'npm ci && npm start')
  t.match(readme, 'npm test')
  for (const setting of SETTINGS) {
    t.match(readme, setting.env)
    if (setting.flag) t.match(readme, `\`--${setting.flag}\``)
  }
  for (const secret of Object.values(DEV)) t.match(readme, secret)
  for (const workspace of Object.values(SEED.workspaces)) t.match(readme, workspace.slug)
})
