// `npm test -- --no-disable-coverage` must measure something. V8's coverage is mapped back to the
// source line by line, so a coverage run's loader has to leave each module on its own lines (why that
// is not tsx: test/typescript.mjs). Here one module is loaded as a coverage run would load it.
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

t.test('in a coverage run, a module keeps its lines', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'portkey-mock-coverage-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await promisify(execFile)(process.execPath, ['--import', './test/typescript.mjs', 'src/time.ts'], {
    env: { ...process.env, TAP_DISABLE_COVERAGE: '0', NODE_V8_COVERAGE: dir },
  })
  const module = new URL('../src/time.ts', import.meta.url).href
  const maps = await Promise.all((await readdir(dir)).map(async file => JSON.parse(await readFile(join(dir, file), 'utf8'))['source-map-cache']?.[module]))
  const lines = (maps.find(Boolean) as { lineLengths: number[] } | undefined)?.lineLengths.length ?? 0
  const source = (await readFile(new URL(module), 'utf8')).split('\n').length
  t.ok(lines >= source / 2, `${lines} lines as loaded (0: not loaded, or without a source map), of the source's ${source}`)
})
