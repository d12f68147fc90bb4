// The ceiling: a bare Fastify route answering a constant JSON body (BODY, one ApiKeyObject), on the
// same framework and loopback as the real routes, on PORT (a free one by default). Prints its URL.
import Fastify from 'fastify'

const body = JSON.parse(process.env.BODY ?? '{}')
const app = Fastify()
app.get('/', async () => body)
const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.stdout.write(`${url}\n`)
