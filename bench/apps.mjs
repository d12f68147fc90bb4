// Apps built in one fresh process, as a test suite builds them: how long importing the app takes,
// then buildApp() + ready() for the first app and, as the median of ten, for each one after it.
// Plain JavaScript under bare node, on the built app (dist/). Prints one JSON line.
const began = performance.now()
const { buildApp } = await import('../dist/app.js')
const { defaultConfig } = await import('../dist/config.js')
const imported = performance.now() - began

async function oneApp () {
  const start = performance.now()
  const app = buildApp(defaultConfig({ logLevel: 'silent' }))
  await app.ready()
  const ms = performance.now() - start
  await app.close()
  return ms
}

const first = await oneApp()
const later = []
for (let i = 0; i < 10; i++) later.push(await oneApp())
later.sort((a, b) => a - b)
process.stdout.write(`${JSON.stringify({ imported, first, second: later[5] })}\n`)
