// The real process: what `npm start`, the bin and the container run.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { DEV, listeningUrl } from './helper.js'

// The bin as users run it, built by the suite's runner (test/run.ts) before any test.
const server = ['dist/portkey-mock.js']
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

t.test('a store that cannot be opened stops the start with one line naming the file, exit 1', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const notADatabase = join(dir, 'notes.db')
  writeFileSync(notADatabase, 'not a database, just some text that is long enough to have a header\n'.repeat(10))
  const cases: [string, string][] = [
    [join(dir, 'missing', 'store.db'), 'Cannot open database because the directory does not exist'],
    [notADatabase, 'file is not a database'],
  ]
  for (const [db, problem] of cases) {
    const started = spawnSync(process.execPath, [...server, '--port', '0', '--db', db], { encoding: 'utf8', env })
    t.equal(started.status, 1, db)
    t.equal(started.stderr, `portkey-mock: cannot open the store ${db}: ${problem}\n`)
    t.equal(startFailure(started.stdout), `cannot open the store ${db}: ${problem}`, 'the log says it once')
  }
})

// The message of the log's line saying why the start failed: pino joins each cause's message to it.
function startFailure (stdout: string): string {
  const line = stdout.split('\n').find(text => text.includes('"could not start"'))
  return (JSON.parse(line ?? '{}') as { err?: { message: string } }).err?.message ?? 'no such line'
}

t.test('an address it cannot listen on stops the start in Node\'s words where ours do not fit: an IPv6 address in brackets, nothing said twice', async t => {
  // No zone given, a link-local address is refused (EINVAL here; a machine without IPv6 has words of its own).
  const started = spawnSync(process.execPath, [...server, '--port', '0', '--host', 'fe80::1'], { encoding: 'utf8', env, timeout: 20_000 })
  t.equal(started.status, 1)
  t.match(started.stderr, /^portkey-mock: cannot listen on \[fe80::1\]:0: \S/)
  const parts = startFailure(started.stdout).split(': ')
  t.same(parts, [...new Set(parts)], `the log says nothing twice: ${parts.join(' | ')}`)
})

t.test('a second server on a store file in use stops with one line saying so; the file is free once the first has gone', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-claimed-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'store.db')
  const first = spawn(process.execPath, [...server, '--port', '0', '--db', db], { env, stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => { first.kill('SIGKILL') })
  await listeningUrl(first)
  // A second server that did start would run until killed: the timeout makes that a failure, not a hang.
  const second = spawnSync(process.execPath, [...server, '--port', '0', '--db', db], { encoding: 'utf8', env, timeout: 20_000 })
  t.equal(second.status, 1)
  t.equal(second.stderr, `portkey-mock: cannot open the store ${db}: another server has it open (a store file serves one server at a time)\n`)
  t.equal(startFailure(second.stdout), `cannot open the store ${db}: another server has it open (a store file serves one server at a time): database is locked`, 'the log adds SQLite\'s words once')
  // Killed, not stopped: the lock goes with the process.
  first.kill('SIGKILL')
  await once(first, 'exit')
  const third = spawn(process.execPath, [...server, '--port', '0', '--db', db], { env, stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => { third.kill('SIGKILL') })
  const url = await listeningUrl(third)
  t.equal((await fetch(`${url}/v1/api-keys`, { headers: { 'x-portkey-api-key': DEV.admin } })).status, 200)
})

t.test('starts, prints the dev keys, serves over HTTP, logs no secret, and exits 0 on SIGTERM', async t => {
  const child = spawn(process.execPath, [...server, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', chunk => { stdout += chunk })
  const url = await listeningUrl(child)
  for (const secret of Object.values(DEV)) t.match(stdout, secret, 'the banner shows each dev key')
  t.same(thirdColumns(stdout), [63, 63, 63], 'each beside its setting, in one column, the secrets being of three lengths')

  const health = await fetch(`${url}/__mock/health`)
  t.equal(health.status, 200)
  const list = await fetch(`${url}/v1/api-keys?page_size=1`, { headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(list.status, 200)
  t.equal((await list.json() as { object: string }).object, 'list')

  const second = spawn(process.execPath, [...server, '--port', new URL(url).port], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { second.kill('SIGKILL') })
  let secondOut = ''
  let secondErr = ''
  second.stdout.setEncoding('utf8').on('data', chunk => { secondOut += chunk })
  second.stderr.setEncoding('utf8').on('data', chunk => { secondErr += chunk })
  t.equal((await once(second, 'exit'))[0], 1, 'a second server on the same port exits 1')
  t.match(secondOut, /"code":"EADDRINUSE".*"msg":"could not start"/, 'and logs why')
  t.equal(secondErr, `portkey-mock: cannot listen on 127.0.0.1:${new URL(url).port}: the port is in use (by another server, or a portkey-mock still running); --port 0 picks a free one\n`, 'and says so in words')
  t.equal(startFailure(secondOut), `cannot listen on 127.0.0.1:${new URL(url).port}: the port is in use (by another server, or a portkey-mock still running); --port 0 picks a free one: listen EADDRINUSE: address already in use 127.0.0.1:${new URL(url).port}`, 'the log adds Node\'s words')

  // A second signal while closing (Ctrl-C after docker stop, say) does not close it again.
  child.kill('SIGTERM')
  child.kill('SIGINT')
  const [code] = await once(child, 'exit')
  t.equal(code, 0)
  const logLines = stdout.split('\n').filter(line => line.startsWith('{'))
  // Both signals are pending at once, and Node may hand over either first.
  t.equal(logLines.filter(line => /"signal":"SIG(TERM|INT)".*"msg":"closing"/.test(line)).length, 1, 'the shutdown is logged, once')
  for (const secret of Object.values(DEV)) t.notOk(logLines.some(line => line.includes(secret)), 'no log line holds a secret')
})

// Where the third column of each key line of a banner starts: the key's setting or its name.
const thirdColumns = (banner: string) =>
  banner.split('\n').flatMap(line => /^ {2}(?:organisation|workspace)-\S+ +\S+ +/.exec(line)?.[0].length ?? [])

// What a server started with these arguments prints before it is stopped with SIGTERM (exit 0).
async function bannerOf (t: Test, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [...server, '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', chunk => { stdout += chunk })
  await listeningUrl(child)
  child.kill('SIGTERM')
  t.equal((await once(child, 'exit'))[0], 0, 'exits 0 on SIGTERM')
  return stdout
}

t.test('with a fixture and an admin token: the banner lists the fixture\'s keys by name and says the controls are protected', async t => {
  const stdout = await bannerOf(t, ['--seed', 'fixtures/example.yaml', '--admin-token', 'let-me-in-please'])
  t.match(stdout, /seed: fixtures\/example\.yaml/)
  t.match(stdout, /organisation-service\s+example-admin-secret-0001\s+CI admin/)
  t.match(stdout, /workspace-user\s+example-linus-secret-0003\s+Linus in staging/)
  t.equal(new Set(thirdColumns(stdout)).size, 1, 'the names in one column')
  t.notMatch(stdout, DEV.admin, 'not the built-in keys')
  t.match(stdout, /need Authorization: Bearer <the admin token>/)
  t.notMatch(stdout, 'let-me-in-please', 'and not the token')
})

// A directory of its own holding a fixture of `count` organisation keys, their secrets `<word>-secret-0000` on.
function fixtureOfKeys (t: Test, count: number, word: string): { dir: string, seed: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-banner-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const seed = join(dir, `${word}.json`)
  const keys = Array.from({ length: count }, (_, i) => ({ name: `key ${i}`, type: 'organisation-service', secret: `${word}-secret-${String(i).padStart(4, '0')}` }))
  writeFileSync(seed, JSON.stringify({ organisations: [{ name: word, api_keys: keys }] }))
  return { dir, seed }
}

t.test('a fixture of twelve keys into a file store: ten shown and the rest counted; the file started again on the built-in seed has none of its keys', async t => {
  const { dir, seed } = fixtureOfKeys(t, 12, 'twelve')
  const db = join(dir, 'store.db')
  const first = await bannerOf(t, ['--seed', seed, '--db', db, '--deterministic-seed', '7'])
  t.match(first, `store: ${db}   seed: ${seed}   deterministic (seed 7)`)
  t.match(first, 'twelve-secret-0009   key 9')
  t.notMatch(first, 'twelve-secret-0010', 'the eleventh is not listed')
  t.match(first, `  ... and 2 more in ${seed}`)
  const again = await bannerOf(t, ['--db', db])
  t.match(again, 'None of the seed\'s keys is in this store.', 'a file seeded earlier keeps its own keys')
  t.notMatch(again, DEV.admin)
})

t.test('a fixture of exactly ten keys: all shown, none counted', async t => {
  const stdout = await bannerOf(t, ['--seed', fixtureOfKeys(t, 10, 'ten').seed])
  t.match(stdout, 'ten-secret-0009   key 9')
  t.notMatch(stdout, '... and', 'no line counting the rest')
})
