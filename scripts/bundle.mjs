// The program (dist/portkey-mock.js, the package's bin): dist/server.js and every dependency but
// the native better-sqlite3 in one ES module. Node 20 resolves and loads each of the several hundred
// files of fastify, ajv and the rest one by one; read as one file, a start takes about 90 ms less
// (`npm run bench` measures it). The library (dist/index.js) stays unbundled.
import { build } from 'esbuild'

await build({
  entryPoints: ['dist/server.js'],
  outfile: 'dist/portkey-mock.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['better-sqlite3'],
  // The bundled CommonJS modules call require() for Node's built-ins, which an ES module lacks.
  banner: { js: "import { createRequire as createBundleRequire } from 'node:module'; const require = createBundleRequire(import.meta.url);" },
  logLevel: 'warning',
})
