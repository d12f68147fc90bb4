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

t.test('the README\'s table of routes has a row for every operation of the contract', async t => {
  const document = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> }
  const rows = new Set(readme.split('\n').filter(line => line.startsWith('| `')).map(line => line.slice(3).split(/[`?]/, 1)[0]))
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'head', 'post', 'put', 'delete', 'patch'].filter(method => method in item)) t.ok(rows.has(`${method.toUpperCase()} ${path}`), `${method.toUpperCase()} ${path}`)
  }
})
