// The real process: what `npm start`, the bin and the container run.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import t from 'tap'
import { DEV, listeningUrl } from './helper.js'

const server = ['--import', './test/typescript.mjs', 'src/server.ts']
const env = { ...process.env, PORTKEY_MOCK_LOG_LEVEL: 'info' }

t.test('--help prints every option and exits 0; a bad setting exits 2 naming it', async t => {
  const help = spawnSync(process.execPath, [...server, '--help'], { encoding: 'utf8', env })
  t.equal(help.status, 0)
  t.match(help.stdout, /Usage: portkey-mock/)
  t.match(help.stdout, /PORTKEY_MOCK_DB/)
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

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0)
  const logLines = stdout.split('\n').filter(line => line.startsWith('{'))
  t.ok(logLines.some(line => line.includes('"closing"') || line.includes('SIGTERM')), 'the shutdown is logged')
  for (const secret of Object.values(DEV)) t.notOk(logLines.some(line => line.includes(secret)), 'no log line holds a secret')
})
