// No Docker engine runs here, so the Dockerfile is linted and its policies are checked as text.
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative } from 'node:path'
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import { validate } from 'dockerfile-utils'
import t from 'tap'
import { build, DEV, listen, listeningUrl } from './helper.js'

const root = new URL('..', import.meta.url).pathname

const source = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
const dockerfile = DockerfileParser.parse(source)
const stages = dockerfile.getFROMs().map((from, index, froms) => {
  const start = from.getRange().start.line
  const end = froms[index + 1]?.getRange().start.line ?? Infinity
  return dockerfile.getInstructions().filter(i => i.getRange().start.line >= start && i.getRange().start.line < end)
})
const final = stages.at(-1)!
const named = (instructions: Instruction[], keyword: string) => instructions.filter(i => i.getKeyword() === keyword)

t.test('the Dockerfile passes the linter without a warning', async t => {
  const problems = validate(source).map(d => `line ${d.range.start.line + 1}: ${d.message}`)
  t.same(problems, [])
})

t.test('multi-stage, on a slim Node LTS image, building native addons against local headers', async t => {
  t.ok(stages.length >= 2, 'a build stage and a runtime stage')
  for (const from of dockerfile.getFROMs()) t.match(from.getImageName(), /^node$/)
  t.match(source, /ARG NODE_VERSION=(20|22|24)\n/, 'an LTS line')
  t.match(dockerfile.getFROMs().at(-1)!.getImageTag(), /slim$/)
  t.match(named(stages[0], 'ENV').map(i => i.getTextContent()).join('\n'), /npm_config_nodedir=\/usr\/local/)
})

t.test('the runtime stage runs as a non-root user with a volume, a healthcheck and exec-form CMD', async t => {
  const user = named(final, 'USER')
  t.equal(user.length, 1)
  t.not(user[0].getArgumentsContent(), 'root')
  t.equal(named(final, 'VOLUME').length, 1)
  t.match(named(final, 'ENV').map(i => i.getTextContent()).join(' '), /PORTKEY_MOCK_HOST=0\.0\.0\.0/)
  const healthcheck = named(final, 'HEALTHCHECK')
  t.equal(healthcheck.length, 1)
  t.notMatch(healthcheck[0].getTextContent(), /curl|wget/)
  t.match(healthcheck[0].getTextContent(), /CMD \["node", "-e", .*\/__mock\/health/)
  t.match(healthcheck[0].getTextContent(), /--start-interval=1s/, 'dependents do not wait a whole interval for the first check')
  const cmd = named(final, 'CMD')
  t.equal(cmd.length, 1)
  t.same(JSON.parse(cmd[0].getArgumentsContent()!), ['node', 'dist/portkey-mock.js'], 'exec form, so node is PID 1')
})

t.test('the healthcheck script itself runs, and reports a live server as healthy', async t => {
  const script = JSON.parse(named(final, 'HEALTHCHECK')[0].getTextContent().replace(/^[^[]*/s, '').trim()) as string[]
  t.equal(script[0], 'node')
  const run = (port: string) => new Promise<number | null>(resolve => {
    spawn(process.execPath, script.slice(1), { env: { ...process.env, PORTKEY_MOCK_PORT: port } }).on('exit', resolve)
  })
  t.equal(await run('1'), 1, 'no server: unhealthy')
  const url = await listen(await build(t))
  t.equal(await run(new URL(url).port), 0, 'a live server: healthy')
})

t.test('everything the runtime reads is copied into the image', async t => {
  const copied = named(final, 'COPY').map(i => i.getArgumentsContent() ?? '').join('\n')
  // What the package ships is what the runtime reads, but for dist/, of which the runtime reads the
  // bin: the library's entries for import and require are the package's alone (and a later test
  // runs what the image holds).
  const shipped = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] }).files
    .filter(f => !f.startsWith('!')).map(f => f.startsWith('dist/') ? 'dist/portkey-mock.js' : f.split('/**')[0])
  for (const needed of [...new Set(shipped), 'node_modules', 'package.json']) t.match(copied, needed)
})

t.test('the build stage has everything `npm run build` reads', async t => {
  const copied = named(stages[0], 'COPY').map(i => i.getArgumentsContent() ?? '').join('\n')
  const build = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { build: string } }).scripts.build
  // The files its commands are given (`tsc -p F`, `node F`), not the options (`node -e`).
  const read = [...build.matchAll(/(?:-p |node )([^\s-]\S*)/g)].map(match => match[1].split('/')[0])
  t.same(read, ['tsconfig.build.json', 'scripts', 'scripts'])
  for (const file of read) t.match(copied, file)
  t.match(copied, 'src')
})

// What the image holds, laid out from this checkout as the runtime stage's COPY lines lay it out (the
// build stage's /app is the checkout, built): started there, with no other node_modules above it,
// the program must serve, a YAML fixture included.
t.test('the runtime stage holds only what the program loads, and that is enough to serve', async t => {
  const image = mkdtempSync(join(tmpdir(), 'portkey-mock-image-'))
  t.teardown(() => rmSync(image, { recursive: true, force: true }))
  for (const copy of named(final, 'COPY')) {
    const fromBuild = /--from=build\s/.test(copy.getTextContent())
    const paths = copy.getArgumentsContent()!.split(/\s+/)
    const target = join(image, paths.at(-1)!)
    for (const path of paths.slice(0, -1)) {
      const from = join(root, fromBuild ? relative('/app', path) : path)
      cpSync(from, target.endsWith('/') ? join(target, basename(from)) : target, { recursive: true })
    }
  }
  t.same(readdirSync(join(image, 'node_modules')).sort(), ['better-sqlite3', 'bindings', 'file-uri-to-path', 'yaml'], 'of the dependencies, only what the bundle loads')

  const program = named(final, 'CMD')[0].getArgumentsContent()!
  const child = spawn(process.execPath, [...(JSON.parse(program) as string[]).slice(1), '--host', '127.0.0.1', '--port', '0', '--seed', 'fixtures/builtin.yaml'], { cwd: image, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGKILL') })
  const url = await listeningUrl(child)
  const keys = await fetch(`${url}/v1/api-keys`, { headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(keys.status, 200, 'it serves the fixture it was given')
  t.equal((await fetch(`${url}/openapi.json`)).status, 200, 'and the contract')
})
