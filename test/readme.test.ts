import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import t from 'tap'
import { parse } from 'yaml'
import { SETTINGS } from '../src/config.js'
import { build, DEV, listen, SEED } from './helper.js'
import { examples, README_PORT, readme } from './readme-examples.js'

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

// As a reader pastes them: each curl command of the README's shell examples (a line ending in `\`
// joined to the next), in order, on one server. bash is told to refuse a glob that matches nothing,
// as zsh (macOS's shell) does, where an unquoted `?` or `*` in a URL stops the command.
t.test('the README\'s curl examples run as pasted, even where an unmatched glob is an error, and are answered', async t => {
  const port = new URL(await listen(await build(t))).port
  const commands = examples('sh').flatMap(block => block.replaceAll('\\\n', '').split('\n')).filter(line => line.startsWith('curl '))
  t.ok(['/v1/api-keys', '/__mock/clock', '/__mock/organisations', '/__mock/faults'].every(path => commands.some(command => command.includes(path))), 'from the quick start and the test controls')
  for (const command of commands) {
    const { stdout } = await promisify(execFile)('bash', ['-O', 'failglob', '-c', command.replaceAll(`:${README_PORT}/`, `:${port}/`)])
      .catch((error: { stderr: string }) => ({ stdout: error.stderr }))
    const answer = jsonOf(stdout)
    t.not(answer, undefined, `${command}: answered JSON, not ${stdout.slice(0, 200)}`)
    t.not((answer as { success?: boolean } | undefined)?.success, false, `${command}: not an error`)
  }
})

function jsonOf (text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

// The Compose file and the Actions workflow can only be run where Docker is: they are checked for
// what each client needs of them. Each sets the base URL where every client reads it (the Python SDK
// reads PORTKEY_PROXY, never PORTKEY_BASE_URL) and the key, to a service of the same file (Compose
// reaches it by its name, Actions on the port it maps to localhost).
t.test('the README\'s Compose and Actions examples are YAML that point every client at the stand-in', async t => {
  const documents = examples('yaml').map(example => parse(example) as Record<string, unknown>)
  t.ok(documents.length >= 2, 'both are found')
  for (const document of documents) {
    const services = Object.keys((document.services ?? Object.values(document.jobs as object)[0].services) as object)
    const environments = found(document, value => 'PORTKEY_BASE_URL' in value) as Record<string, string>[]
    t.equal(environments.length, 1, `one environment for the tests, among services ${services.join(', ')}`)
    for (const environment of environments) {
      const base = new URL(environment.PORTKEY_BASE_URL)
      t.ok(services.includes(base.hostname) || ('jobs' in document && base.hostname === 'localhost'), `${base} reaches a service of the file`)
      t.equal(base.port, String(README_PORT), 'on the port the image listens on')
      t.equal(base.pathname, '/v1')
      t.equal(environment.PORTKEY_PROXY, environment.PORTKEY_BASE_URL, 'and the Python SDK is pointed there too')
      t.equal(environment.PORTKEY_API_KEY, DEV.admin)
    }
  }
})

/** Every object within a parsed document that passes the test. */
function found (value: unknown, test: (value: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  if (value === null || typeof value !== 'object') return []
  const within = Object.values(value).flatMap(inner => found(inner, test))
  return !Array.isArray(value) && test(value as Record<string, unknown>) ? [value as Record<string, unknown>, ...within] : within
}
