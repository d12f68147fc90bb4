// The ceiling: a bare Fastify app answering constant JSON bodies, on the same framework and loopback
// as the real routes, on PORT (a free one by default). BODIES names each body's path: `{"key": ...}`
// is answered on `/key`; without it, `{}` on `/`. Prints its URL.
import Fastify from 'fastify'

const bodies = JSON.parse(process.env.BODIES ?? '{"": "{}"}')
const app = Fastify()
for (const [name, body] of Object.entries(bodies)) {
  const parsed = JSON.parse(body)
  app.get(`/${name}`, async () => parsed)
}
const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.stdout.write(`${url}\n`)
