import { isUtf8 } from 'node:buffer'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { badRequest, unsupportedEncoding, unsupportedMediaType } from './errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** A body refused unparsed (not JSON, or nested too deep), as its text, for the journal; else null. */
    unparsedBody: { text: string } | null
  }
}

/** A JSON value that is an object: not null, not an array. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** The deepest nesting of objects and arrays a JSON body may have; Portkey's bodies need a few levels. */
const MAX_DEPTH = 64
const IDENTITY = /^\s*identity\s*$/i

// Whether a JSON text nests deeper than `limit`, read in one pass over its characters (brackets in
// strings do not count). It runs before the text is parsed, so no later walk over the value, ours
// or a library's, can be made to recurse out of stack.
function nestsDeeperThan (limit: number, text: string): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true
    } else if (c === 0x7d || c === 0x5d) {
      depth--
    }
  }
  return false
}

// Bytes that are not UTF-8, which JSON must be (RFC 8259): read as UTF-8 regardless, each would
// become U+FFFD, and a name sent in latin1 would be kept altered without a word.
const notUtf8 = (): Error => badRequest('Invalid body: not UTF-8, which JSON must be')

// Clients send Content-Type: application/json with an empty body on DELETE (Terraform) and GET, and
// `curl -d ''` sends an empty form: an empty body is no body, whatever its type. Anything else is
// checked to be UTF-8 and for depth, then goes to Fastify's own parser, which refuses prototype
// poisoning. The size limit is Fastify's bodyLimit, checked before this. Every body is JSON:
// Fastify's text/plain parser goes, so that a JSON text sent as text/plain (fetch's type for a
// string body) is a 415 naming the type, not a 400 "must be object".
export function parseJsonBodies (app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain')
  app.decorateRequest('unparsedBody', null)
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    const text = bytes.toString('utf8')
    if (text === '') done(null, undefined)
    else if (!isUtf8(bytes)) done(unparsed(request, text, compressed(request) ?? notUtf8()), undefined)
    else if (nestsDeeperThan(MAX_DEPTH, text)) done(unparsed(request, text, compressed(request) ?? badRequest(`Invalid body: nested deeper than ${MAX_DEPTH} levels`)), undefined)
    else parseJson(request, text, (error, value) => { done(error === null ? null : unparsed(request, text, compressed(request) ?? notJson(text)), value) })
  })
  // Every other type, and a body sent with none.
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string
    done(text === '' ? null : unparsed(request, text, unsupportedMediaType(request.headers['content-type'])), undefined)
  })
}

// The refusal, with the text noted on the request for the journal to keep what was sent.
function unparsed (request: FastifyRequest, text: string, refusal: Error): Error {
  request.unparsedBody = { text }
  return refusal
}

// A JSON body refused because it was sent compressed, named as such: Fastify reads a body as it came,
// and its compressed bytes quoted back as "not JSON" would hide why. A body that parses is taken
// whatever its Content-Encoding says, as by a server that ignores the header.
function compressed (request: FastifyRequest): Error | null {
  const coding = request.headers['content-encoding']
  return coding === undefined || IDENTITY.test(coding) ? null : unsupportedEncoding(coding)
}

// Fastify's refusal says only that the body is not JSON: JSON.parse says where, and a text it takes
// was refused for a key that would reach an object's prototype.
function notJson (text: string): Error {
  try {
    JSON.parse(text)
  } catch (error) {
    return badRequest(`Invalid body: not JSON: ${(error as Error).message}`)
  }
  return badRequest('Invalid body: a __proto__ key, or a constructor key holding prototype, is refused')
}
