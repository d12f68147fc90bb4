import { timingSafeEqual } from 'node:crypto'
import { maxHeaderSize, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { badRequest, envelope, pathOf, unauthorised } from './errors.js'
import { isOwnRoute } from './platform/serve.js'
import type { ErrorResponse } from './schemas/generated.js'
import { hashSecret } from './secrets.js'

// What Node's HTTP layer would otherwise answer by itself, outside Portkey's envelope: a request it
// cannot parse, a timeout, a missing Host, an Expect it does not meet, a CONNECT. Each is answered
// here in the envelope, with the status HTTP prescribes and no body where HTTP forbids one.

/**
 * The app made ready, then listening, for the bin and the package's import alike. A failure to
 * listen is thrown in words the person who started it can act on, with Node's error as its cause
 * (in Node's words where none of ours fit); `anyPort` is how they ask for a free port (`--port 0` on
 * the command line).
 */
export async function listenOn (app: FastifyInstance, host: string, port: number, anyPort: string): Promise<string> {
  await app.ready()
  try {
    return await app.listen({ host, port })
  } catch (error) {
    const problem = listenProblem(error, anyPort)
    // Where the words are Node's own, its error is not the cause too: the log joins a cause's words
    // to the message's. Its code kept, for the log and for callers that test it.
    const cause = problem === (error as Error).message ? (error as Error).cause : error
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
    throw Object.assign(new Error(`cannot listen on ${address}: ${problem}`, { cause }), { code: (error as NodeJS.ErrnoException).code })
  }
}

function listenProblem (error: unknown, anyPort: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE': return `the port is in use (by another server, or a portkey-mock still running); ${anyPort} picks a free one`
    case 'EACCES': return 'not permitted (a port below 1024 needs privileges)'
    case 'EADDRNOTAVAIL': return 'the address is not one of this machine\'s'
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'no address found for the host'
    default: return (error as Error).message
  }
}

/**
 * The options Fastify passes on to http.createServer; `headersTimeout` is how long a client may take
 * to send a request's headers (the whole request's limit is Fastify's own requestTimeout).
 */
export const serverOptions = ({ headersTimeout }: { headersTimeout: number }) => ({
  // A missing Host is answered by the hook below, in the envelope, rather than by Node, without one.
  requireHostHeader: false,
  headersTimeout,
  // Node looks for timed-out requests this often (30 s by default, far coarser than the timeouts).
  connectionsCheckingInterval: Math.min(1000, headersTimeout),
})

type ErrorCode = ErrorResponse['data']['errorCode']

/** The Date header's value: the stand-in's time, which is the machine's until the clock is moved. */
const dateOf = (app: FastifyInstance): string => new Date(app.clock.now()).toUTCString()

function rawResponse (app: FastifyInstance, status: number, errorCode: ErrorCode, message: string, withBody: boolean): string {
  const body = JSON.stringify(envelope(errorCode, message))
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nDate: ${dateOf(app)}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${withBody ? body : ''}`
}

// Node's own rule for when a socket may still carry an answer: nothing of a response written yet.
const mayAnswer = (socket: Socket & { _httpMessage?: { headersSent?: boolean } }) =>
  socket.writable && !socket._httpMessage?.headersSent

/**
 * A request Node could not take: unparseable, over the header limit, or too slow (Fastify's
 * clientErrorHandler, called on the app).
 */
export function clientErrorHandler (this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !mayAnswer(socket)) {
    socket.destroy()
    return
  }
  const [status, message] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? [408, 'Request timed out']
    // Node's limit counts the request line with the headers, so a long query string reaches it too.
    : error.code === 'HPE_HEADER_OVERFLOW' ? [431, `Request headers too large: the request line (path and query) and headers may take ${maxHeaderSize} bytes`] : [400, 'Malformed HTTP request']
  // A HEAD's answer has no body, even when the request was too large to be read in full.
  const packet: unknown = error.rawPacket
  const isHead = Buffer.isBuffer(packet) && packet.subarray(0, 5).toString('latin1') === 'HEAD '
  socket.end(rawResponse(this, status, 'AB01', message, !isHead))
}

// Every request's first hook, one for both jobs (a hook costs each request a pass of Fastify's runner):
// the Date header by the stand-in's clock once it is moved (Node writes the machine's time), and the
// Host that HTTP/1.1 requires.
function dateAndHost (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
  if (!request.server.clock.machineTime) reply.header('date', dateOf(request.server))
  // HTTP/1.1 requires Host (RFC 9112 §3.2). Node reads only the first 1,000 headers of a request.
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    done(badRequest('Missing Host header (only the first 1000 headers are read)'))
  } else {
    done()
  }
}

function expectationFailed (app: FastifyInstance, request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify(envelope('AB01', `Unsupported Expect header: ${String(request.headers.expect).slice(0, 100)}`))
  response.writeHead(417, { date: dateOf(app), 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  response.end(body)
}

// The stand-in is no proxy: CONNECT is an unknown method, as any other (404 AB08).
function refuseConnect (app: FastifyInstance, request: IncomingMessage, socket: Socket): void {
  socket.on('error', () => socket.destroy())
  socket.end(rawResponse(app, 404, 'AB08', `No route for CONNECT ${pathOf(String(request.url))}`, true))
}

/**
 * With an admin token, every /__mock route but health needs `Authorization: Bearer <token>`, the
 * scheme in any case (RFC 9110 makes it case-insensitive). The comparison is of digests, so its time
 * says nothing about the token.
 */
export function requireAdminToken (app: FastifyInstance, token: string): void {
  if (token === '') return
  const expected = hashSecret(token)
  app.addHook('onRequest', async request => {
    // The route that matched, not the raw URL, which an encoding could disguise.
    const route = request.routeOptions.url
    if (!isOwnRoute(route) || route === '/__mock/health') return
    const credentials = /^bearer +(.*)$/i.exec(String(request.headers.authorization ?? ''))
    if (credentials === null || !timingSafeEqual(hashSecret(credentials[1]), expected)) {
      throw unauthorised('Unauthorised Request: /__mock routes need the admin token as a bearer token')
    }
  })
}

/** Wires the answers above into an app whose server was created with serverOptions(). */
export function answerInEnvelope (app: FastifyInstance): void {
  app.addHook('onRequest', dateAndHost)
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => { expectationFailed(app, request, response) })
  app.server.on('connect', (request: IncomingMessage, socket: Socket) => { refuseConnect(app, request, socket) })
}
