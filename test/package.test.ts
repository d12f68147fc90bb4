// The package as a user installs it: packed as `npm test` built it, installed into an empty project
// on this Node, started with npx, imported with its types checked under strict, and used as the
// README's examples use it. The registry is only asked for what the local npm cache lacks, and
// better-sqlite3's native build is taken from this checkout's install (same version, same Node)
// rather than compiled again, which would take a minute.
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { listeningUrl } from './helper.js'
import { examples, README_PORT } from './readme-examples.js'

const run = promisify(execFile)
const root = new URL('..', import.meta.url).pathname
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund'], { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 16 * 1024 * 1024 })

const CONSUMER = `import { createRequire } from 'node:module'
import { startMockServer, ConfigError, FixtureError, PortkeyError, type MockServer, type MockFault, type RequestsFilter } from 'portkey-mock'

const server: MockServer = await startMockServer({ port: 0 })
const admin = server.keys.find(key => key.type === 'organisation-service')!
const headers = { 'x-portkey-api-key': admin.key }
const listed = await fetch(\`\${server.baseURL}/api-keys\`, { headers })
const fault: MockFault = server.faults.add({ path: '/api-keys', status: 503, times: 1 })
const faulted = await fetch(\`\${server.baseURL}/api-keys\`, { headers })
server.clock.set('2030-01-01T00:00:00Z')
server.snapshot('start')
const tenant = await server.createOrganisation()
server.restore('start')
const byAdmin: RequestsFilter = { method: 'GET', api_key_id: admin.id }
const gone = await fetch(\`\${server.baseURL}/api-keys\`, { headers: { 'x-portkey-api-key': tenant.api_keys[0].key } })
// The CommonJS build beside this one: its errors are known to this build's classes, and each class only its own.
const commonjs = createRequire(import.meta.url)('portkey-mock') as typeof import('portkey-mock')
const refused: unknown = await commonjs.startMockServer({ port: -1 }).catch((error: unknown) => error)
const crossed = [refused instanceof ConfigError, refused instanceof FixtureError, new FixtureError(['x']) instanceof commonjs.FixtureError, refused === undefined]
console.log(JSON.stringify({
  listed: listed.status, faulted: faulted.status, fired: server.faults.list()[0].fired, faultId: fault.id,
  now: server.clock.now(), gone: gone.status, journal: server.requests.list(byAdmin).length,
  errors: [typeof FixtureError, typeof ConfigError, typeof PortkeyError], crossed,
}))
await server.close()
`

// The same package from CommonJS (a .cts file compiles to require()): Jest's tests are CommonJS.
const COMMONJS_CONSUMER = `import { startMockServer, ConfigError, FixtureError, PortkeyError, type MockServer } from 'portkey-mock'

async function main (): Promise<void> {
  const server: MockServer = await startMockServer({ port: 0 })
  const admin = server.keys.find(key => key.type === 'organisation-service')!
  const listed = await fetch(\`\${server.baseURL}/api-keys\`, { headers: { 'x-portkey-api-key': admin.key } })
  server.clock.set('2030-01-01T00:00:00Z')
  console.log(JSON.stringify({
    listed: listed.status, now: server.clock.now(), journal: server.requests.list({ api_key_id: admin.id }).length,
    errors: [typeof FixtureError, typeof ConfigError, typeof PortkeyError],
  }))
  await server.close()
}
void main()
`

t.test('packed, installed on this Node without an engine warning, started with npx, imported with types', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-package-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const packed = JSON.parse((await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], root)).stdout) as [{ filename: string, files: { path: string }[] }]
  const files = packed[0].files.map(file => file.path)
  for (const needed of ['dist/index.js', 'dist/index.d.ts', 'dist/index.cjs', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'dist/portkey-mock.js', 'fixtures/builtin.yaml', 'fixtures/builtin.json', 'fixtures/fixture.schema.json', 'openapi/openapi.yaml', 'openapi/openapi.json', 'migrations/001.do.init.sql']) {
    t.ok(files.includes(needed), `ships ${needed}`)
  }
  t.notOk(files.some(file => /^(src|test|bench|scripts)\/|\.map$|tsbuildinfo|^dist\/(cjs\/)?server\./.test(file)), 'and nothing a user does not need (the bin is the bundle, not dist/server.js)')
  // A module whose source is gone (renamed, deleted) must not linger in dist/ from an earlier build.
  const modules = files.flatMap(file => /^dist\/(?:cjs\/)?(.+)\.(?:d\.ts|js)$/.exec(file)?.[1] ?? []).filter(name => name !== 'portkey-mock')
  t.same(modules.filter(name => !existsSync(join(root, 'src', `${name}.ts`))), [], 'every module shipped is built from a source')

  const project = join(dir, 'consumer')
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  const installed = await npm(['install', '--prefer-offline', '--ignore-scripts', join(dir, packed[0].filename)], project)
  t.notMatch(installed.stderr, /EBADENGINE/, 'no engine warning on this Node')
  cpSync(join(root, 'node_modules/better-sqlite3/build'), join(project, 'node_modules/better-sqlite3/build'), { recursive: true })

  const help = await run('npx', ['--no-install', 'portkey-mock', '--help'], { cwd: project })
  t.match(help.stdout, /Usage: portkey-mock/, 'npx portkey-mock runs the installed bin')

  // The bin is a bundle: it must still find the migrations, the fixtures, the contract and the YAML
  // parser where the package installed them.
  const bin = spawn(join(project, 'node_modules/.bin/portkey-mock'), ['--port', '0', '--seed', 'node_modules/portkey-mock/fixtures/builtin.yaml'], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { bin.kill('SIGKILL') })
  const url = await listeningUrl(bin)
  const keys = await fetch(`${url}/v1/api-keys`, { headers: { 'x-portkey-api-key': 'admin-dev-key-portkey-mock-000001' } })
  t.equal(keys.status, 200, 'the installed bin serves the seed it was given')
  t.ok((await keys.json() as { total: number }).total > 0)
  const contract = await fetch(`${url}/openapi.json`)
  t.equal((await contract.json() as { openapi: string }).openapi, '3.0.3', 'and the contract')
  // The README's examples as a reader pastes them: the quick start's SDK calls against the bin, and
  // (below) the in-process example, type-checked with the rest.
  symlinkSync(join(root, 'node_modules/portkey-ai'), join(project, 'node_modules/portkey-ai'))
  const quickStart = examples('js').find(example => example.includes('from \'portkey-ai\''))!
  writeFileSync(join(project, 'quick-start.mjs'), quickStart.replaceAll(`:${README_PORT}/`, `:${new URL(url).port}/`))
  await t.resolves(run(process.execPath, ['quick-start.mjs'], { cwd: project }), 'the README\'s quick start runs against it')
  bin.kill('SIGTERM')
  t.equal((await once(bin, 'exit'))[0], 0, 'and exits 0 on SIGTERM')

  writeFileSync(join(project, 'consumer.ts'), CONSUMER)
  writeFileSync(join(project, 'consumer.cts'), COMMONJS_CONSUMER)
  writeFileSync(join(project, 'in-process.ts'), examples('ts').find(example => example.includes('from \'portkey-mock\''))!)
  mkdirSync(join(project, 'test'))
  cpSync(join(root, 'fixtures/example.yaml'), join(project, 'test/fixtures.yaml'))
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'], skipLibCheck: false, outDir: 'out' },
    files: ['consumer.ts', 'consumer.cts'],
  }))
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true })
  symlinkSync(join(root, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'))
  await t.resolves(run(join(root, 'node_modules/.bin/tsc'), ['-p', project], { cwd: project }), 'type-checks under strict, the package\'s own declarations included')
  // The SDK's own declarations do not check (they name modules it does not depend on), so the
  // README's example is checked as most projects check theirs, declarations skipped.
  writeFileSync(join(project, 'tsconfig.readme.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { skipLibCheck: true }, files: ['in-process.ts'] }))
  await t.resolves(run(join(root, 'node_modules/.bin/tsc'), ['-p', join(project, 'tsconfig.readme.json')], { cwd: project }), 'the README\'s in-process example type-checks under strict')

  const output = await run(process.execPath, ['out/consumer.js'], { cwd: project })
  t.same(JSON.parse(output.stdout), { listed: 200, faulted: 503, fired: 1, faultId: 1, now: '2030-01-01T00:00:00.000Z', gone: 401, journal: 2, errors: ['function', 'function', 'function'], crossed: [true, false, true, false] })
  await t.resolves(run(process.execPath, ['out/in-process.js'], { cwd: project }), 'and runs')
  const required = await run(process.execPath, ['out/consumer.cjs'], { cwd: project })
  t.same(JSON.parse(required.stdout), { listed: 200, now: '2030-01-01T00:00:00.000Z', journal: 1, errors: ['function', 'function', 'function'] }, 'and through require()')
  // The Node releases it runs on are those its native binding is built for: a promise wider than
  // better-sqlite3's fails at install on the next Node, in the binding's name, not ours.
  const engines = (name: string) => (JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node
  t.equal(engines('portkey-mock'), engines('better-sqlite3'), 'and promises the Node releases its SQLite binding is built for')
})
