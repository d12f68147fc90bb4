// The real process: what `npm start`, the bin and the container run.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { DEV, listeningUrl } from './helper.js'

const server = ['--import', './test/typescript.mjs', 'src/server.ts']
const env = { ...process.env, PORTKEY_MOCK_LOG_LEVEL: 'info' }

t.test('--help prints every option and --version the package\'s, each exiting 0; a bad setting exits 2 naming it', async t => {
  const help = spawnSync(process.execPath, [...server, '--help'], { encoding: 'utf8', env })
  t.equal(help.status, 0)
  t.match(help.stdout, /Usage: portkey-mock/)
  t.match(help.stdout, /PORTKEY_MOCK_DB/)
  const version = spawnSync(process.execPath, [...server, '--version'], { encoding: 'utf8', env })
  t.equal(version.status, 0)
  t.equal(version.stdout, `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`)
  const bad = spawnSync(process.execPath, [...server, '--port=-1'], { encoding: 'utf8', env })
  t.equal(bad.status, 2)
  t.match(bad.stderr, /--port \/ PORTKEY_MOCK_PORT: must be >= 0/)
})

t.test('starts, prints the dev keys, serves over HTTP, logs no secret, and exits 0 on SIGTERM', async t => {
  const child = spawn(process.execPath, [...server, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', chunk => { stdout += chunk })
  const url = await listeningUrl(child)
  for (const secret of Object.values(DEV)) t.match(stdout, secret, 'the banner shows each dev key')

  const health = await fetch(`${url}/__mock/health`)
  t.equal(health.status, 200)
  const list = await fetch(`${url}/v1/api-keys?page_size=1`, { headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(list.status, 200)
  t.equal((await list.json() as { object: string }).object, 'list')

  const second = spawn(process.execPath, [...server, '--port', new URL(url).port], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  let secondOut = ''
  second.stdout.setEncoding('utf8').on('data', chunk => { secondOut += chunk })
  t.equal((await once(second, 'exit'))[0], 1, 'a second server on the same port exits 1')
  t.match(secondOut, /"code":"EADDRINUSE".*"msg":"could not start"/, 'and logs why')

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0)
  const logLines = stdout.split('\n').filter(line => line.startsWith('{'))
  t.ok(logLines.some(line => line.includes('"closing"') || line.includes('SIGTERM')), 'the shutdown is logged')
  for (const secret of Object.values(DEV)) t.notOk(logLines.some(line => line.includes(secret)), 'no log line holds a secret')
})

t.test('with a fixture and an admin token: the banner lists the fixture\'s keys by name and says the controls are protected', async t => {
  const child = spawn(process.execPath, [...server, '--port', '0', '--seed', 'fixtures/example.yaml', '--admin-token', 'let-me-in-please'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', chunk => { stdout += chunk })
  await listeningUrl(child)
  t.match(stdout, /seed: fixtures\/example\.yaml/)
  t.match(stdout, /organisation-service\s+example-admin-secret-0001\s+CI admin/)
  t.match(stdout, /workspace-user\s+example-linus-secret-0003\s+Linus in staging/)
  t.notMatch(stdout, DEV.admin, 'not the built-in keys')
  t.match(stdout, /need Authorization: Bearer <the admin token>/)
  t.notMatch(stdout, 'let-me-in-please', 'and not the token')
  child.kill('SIGTERM')
  t.equal((await once(child, 'exit'))[0], 0)
})
