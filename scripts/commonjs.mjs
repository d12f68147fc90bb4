// The library for require() (Jest's tests, and any CommonJS code): dist/index.cjs, the package's
// entry (dist/index.js) and its own modules as one CommonJS file, the dependencies left to Node to
// load; and its types, the declarations again under dist/cjs/, where a package.json makes
// TypeScript read them as CommonJS (the same files beside dist/index.js are ES modules).
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'

await build({
  entryPoints: ['dist/index.js'],
  outfile: 'dist/index.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  // It sits in dist/ as dist/index.js does, so the package's files resolve from it alike
  // (src/package-files.ts).
  define: { 'import.meta.url': 'moduleUrl' },
  banner: { js: "const moduleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
})

await rm('dist/cjs', { recursive: true, force: true })
for (const file of (await readdir('dist', { recursive: true })).filter(file => file.endsWith('.d.ts') && file !== 'server.d.ts')) {
  await mkdir(dirname(join('dist/cjs', file)), { recursive: true })
  await copyFile(join('dist', file), join('dist/cjs', file))
}
await writeFile('dist/cjs/package.json', '{ "type": "commonjs" }\n')
