import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { badRequest, envelope, invalidField, notFound } from './errors.js'
import { matches, segmentsOf } from './path-pattern.js'
import { isOwnRoute } from './platform/serve.js'
import { seededRandom } from './random.js'
import type { ErrorResponse, MockFault, MockFaultRule } from './schemas/generated.js'

// Failures on purpose (POST /__mock/faults): a rule matches requests to Portkey's routes and
// answers an error in Portkey's envelope, delays them, or drops the connection, so that the retry
// paths of the SDKs and the Terraform provider can be tested.

type ErrorCode = ErrorResponse['data']['errorCode']

const ANSWERS: Record<NonNullable<MockFaultRule['status']>, { code: ErrorCode, message: string }> = {
  400: { code: 'AB01', message: 'Bad Request' },
  401: { code: 'AB05', message: 'Unauthorised Request' },
  403: { code: 'AB03', message: 'You do not have enough permissions to execute this request' },
  404: { code: 'AB08', message: 'Not Found' },
  409: { code: 'AB07', message: 'Conflict' },
  429: { code: 'AB06', message: 'Too many requests' },
  500: { code: 'AB04', message: 'Internal Server Error' },
  502: { code: 'AB04', message: 'Bad Gateway' },
  503: { code: 'AB04', message: 'Service Unavailable' },
  504: { code: 'AB04', message: 'Gateway Timeout' },
}

/** A header on every injected answer, so that a test (and whoever reads its logs) can tell it from a real one. */
export const FAULT_HEADER = 'x-portkey-mock-fault'

interface Entry {
  fault: MockFault
  /** The rule's path pattern, by segment (src/path-pattern.ts). */
  path: string[]
  /** Whether this match fires; counts and draws as it decides. */
  fires: () => boolean
}

// A header name as HTTP allows it (a token), which Node checks again when the answer is sent.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/
// Headers a rule may not give: those that frame the answer, which a wrong value would break for the
// client, and those the stand-in sets itself (a content-type other than JSON would also have Fastify
// send the envelope as "[object Object]").
const OWN_HEADERS: Record<string, string> = {
  'content-length': 'frames the answer',
  'transfer-encoding': 'frames the answer',
  connection: 'frames the answer',
  'keep-alive': 'frames the answer',
  upgrade: 'frames the answer',
  trailer: 'frames the answer',
  'content-type': 'says the answer is JSON, as Portkey\'s envelope always is',
  [FAULT_HEADER]: 'marks every injected answer already',
  'retry-after': 'is given as retry_after',
}

/** A rule's headers refused, naming the first bad one. */
function checkHeaders (headers: Record<string, string>): void {
  const seen = new Map<string, string>()
  for (const name of Object.keys(headers)) {
    const field = `headers.${name}`
    if (!HEADER_NAME.test(name)) throw invalidField(field, 'a header name is an HTTP token of 1 to 100 letters, digits and !#$%&\'*+.^_`|~-')
    const lower = name.toLowerCase()
    if (Object.hasOwn(OWN_HEADERS, lower)) throw invalidField(field, `is set by the stand-in: it ${OWN_HEADERS[lower]}`)
    const before = seen.get(lower)
    if (before !== undefined) throw invalidField(field, `is ${before} again (header names are read whatever their case)`)
    seen.set(lower, name)
  }
}

/** A route's segment that stands for any one (`:id`). */
const isParameter = (segment: string): boolean => segment.startsWith(':')

export class Faults {
  #entries: Entry[] = []
  #next = 1
  /** The routes rules apply to, by method and segments, as served without /v1. */
  readonly #routes: { method: string, segments: string[] }[] = []

  /** A route the rules apply to (`/v1/api-keys/:id`), as the router registers it; none of /__mock. */
  serve (method: string, url: string): void {
    if (!isOwnRoute(url)) this.#routes.push({ method, segments: segmentsOf(url) })
  }

  /** A rule as POST /__mock/faults takes it, its shape checked already; refused when its fields disagree. */
  add (rule: MockFaultRule): MockFault {
    if (rule.status === undefined && rule.latency_ms === undefined && rule.drop === undefined) {
      throw badRequest('Invalid body: a fault needs status, latency_ms or drop')
    }
    if (rule.status !== undefined && rule.drop !== undefined) throw invalidField('drop', 'a dropped connection has no status')
    if (rule.retry_after !== undefined && rule.status !== 429 && rule.status !== 503) throw invalidField('retry_after', 'goes with status 429 or 503')
    if (rule.headers !== undefined) {
      if (rule.status === undefined) throw invalidField('headers', 'go with status: a request delayed or dropped is answered by its route, or not at all')
      checkHeaders(rule.headers)
    }
    if (rule.seed !== undefined && rule.probability === undefined) throw invalidField('seed', 'seeds the draws of probability, which is not given')
    const pattern = segmentsOf(rule.path)
    if (pattern.some(segment => segment.includes('**') && segment !== '**')) throw invalidField('path', '** stands alone between slashes, for any number of whole segments')
    // A rule no request can match is a mistake (`/api_keys`, a /__mock route), not a rule.
    if (!this.#routes.some(route => (rule.method === undefined || rule.method === route.method) && matches(pattern, route.segments, isParameter))) {
      throw invalidField('path', `matches none of Portkey's routes${rule.method === undefined ? '' : ` for ${rule.method}`} (a rule never applies to the stand-in's own)`)
    }
    const fault: MockFault = { id: this.#next++, rule, matched: 0, fired: 0 }
    const draw = rule.probability === undefined ? undefined : seededRandom(rule.seed ?? 0)
    const fires = () => {
      if (rule.times !== undefined && fault.fired >= rule.times) return false
      if (draw !== undefined && draw.bytes(4).readUInt32BE() / 2 ** 32 >= rule.probability!) return false
      return true
    }
    this.#entries.push({ fault, path: pattern, fires })
    return fault
  }

  list (): MockFault[] { return this.#entries.map(entry => entry.fault) }

  get empty (): boolean { return this.#entries.length === 0 }

  clear (): void { this.#entries = [] }

  /** Removes one rule; it is answered as it stood. */
  remove (id: number): MockFault {
    const at = this.#entries.findIndex(entry => entry.fault.id === id)
    if (at === -1) throw notFound(`No fault rule ${id}`)
    return this.#entries.splice(at, 1)[0].fault
  }

  /** The first rule that fires for this request, counted; undefined when none does. */
  fire (method: string, path: string, apiKeyId: string | null): MockFault | undefined {
    // As the router reads it: a doubled slash (a client's base URL given with a trailing slash) as one.
    const served = segmentsOf(path)
    for (const { fault, path: pattern, fires } of this.#entries) {
      const { rule } = fault
      if (rule.method !== undefined && rule.method !== method) continue
      if (rule.api_key_id !== undefined && rule.api_key_id !== apiKeyId) continue
      if (!matches(pattern, served)) continue
      fault.matched++
      if (!fires()) continue
      fault.fired++
      return fault
    }
    return undefined
  }
}

/** onRequest hook of Portkey's routes, after authentication: applies the rule that fires, if any. */
export function injectFaults (faults: Faults) {
  // A callback hook: every Portkey request passes here, and with no rules nothing else is done, not
  // even the making of a promise.
  return function injectFault (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    if (faults.empty) return done()
    // Never the stand-in's own routes, though accepting an invite is authenticated as Portkey's are:
    // told by the route it reached, which an escape in the path (`/%5F_mock/...`) cannot disguise.
    if (isOwnRoute(request.routeOptions.url)) return done()
    const fault = faults.fire(request.method, request.url.split('?', 1)[0], request.caller?.apiKeyId ?? null)
    if (fault === undefined) return done()
    apply(fault, request, reply).then(answered => { if (!answered) done() }, done)
  }
}

// Sends the fault's answer, or drops the connection; false when the request goes on (latency only).
async function apply ({ id, rule }: MockFault, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (rule.latency_ms) await sleep(rule.latency_ms)
  if (rule.drop) {
    reply.hijack()
    request.raw.socket.destroy()
    return true
  }
  if (rule.status === undefined) return false
  const answer = ANSWERS[rule.status]
  if (rule.headers !== undefined) reply.headers(rule.headers)
  reply.code(rule.status).header(FAULT_HEADER, String(id))
  if (rule.status === 429 || rule.status === 503) reply.header('retry-after', String(rule.retry_after ?? 1))
  reply.send(envelope(answer.code, rule.message ?? answer.message))
  return true
}
