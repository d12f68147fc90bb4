import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { patternRules, type ErrorResponse } from './schemas/generated.js'
import { exportError } from './exported-errors.js'
import { DATE_TIME_RULE } from './time.js'

type ErrorCode = ErrorResponse['data']['errorCode']

// Portkey's error vocabulary (CONFORMANCE §7). Handlers throw these; one handler renders them.
export class PortkeyError extends Error {
  constructor (readonly statusCode: number, readonly errorCode: ErrorCode, message: string) {
    super(message)
  }
}
exportError(PortkeyError, 'PortkeyError')

export const badRequest = (message: string) => new PortkeyError(400, 'AB01', message)
export const unauthorised = (message = 'Unauthorised Request') => new PortkeyError(401, 'AB05', message)
export const forbidden = (detail?: string) =>
  new PortkeyError(403, 'AB03', `You do not have enough permissions to execute this request${detail ? `: ${detail}` : ''}`)
export const notFound = (message: string) => new PortkeyError(404, 'AB08', message)
export const conflict = (message: string) => new PortkeyError(409, 'AB07', message)

/** A count in words: `1 API key`, `2 API keys`. */
export const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`

/** A 400 that names the field, as the validator's own refusals do. */
export const invalidField = (field: string, problem: string, where = 'body field') => badRequest(`Invalid ${where} ${field}: ${problem}`)
export const missingField = (field: string, where = 'body field') => badRequest(`Missing ${where} ${field}`)

const CODE_FOR_STATUS: Record<number, ErrorCode> = { 400: 'AB01', 401: 'AB05', 403: 'AB03', 404: 'AB08', 409: 'AB07', 429: 'AB06' }

export const envelope = (errorCode: ErrorCode, message: string): ErrorResponse =>
  ({ success: false, data: { message, errorCode } })

// An enum longer than this (the scopes) is not listed in a message: the value sent is named instead.
const MAX_LISTED = 8
/** The most characters the router takes in one path parameter (Fastify's default, said in the 414). */
export const MAX_PARAM_LENGTH = 100

const WHERE: Record<string, string> = { querystring: 'query parameter', params: 'path parameter', body: 'body field', headers: 'header' }

/** `/organisations/0/api_keys/3/scopes/0` as `organisations[0].api_keys[3].scopes[0]`. */
export const placeOf = (pointer: string): string =>
  pointer.split('/').slice(1).map(part => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((place, part) => /^\d+$/.test(part) ? `${place}[${part}]` : place ? `${place}.${part}` : part, '')

/** What a validator's error says is wrong, with a pattern's rule in words rather than the pattern. */
export const problemOf = (error: { keyword: string, params: Record<string, unknown>, message?: string }): string | undefined =>
  error.keyword === 'pattern' ? patternRules[error.params.pattern as string] ?? error.message : error.message

/**
 * What an object that refused an unknown field takes, as the refusal ends (` (it takes a, b)`), so
 * that a misspelt field is met with the right one; nothing where the schema is not at hand.
 */
export function takenFields (error: { parentSchema?: unknown }): string {
  const properties = (error.parentSchema as { properties?: object } | undefined)?.properties
  if (properties === undefined) return ''
  const names = Object.keys(properties)
  return ` (it takes ${names.length === 0 ? 'none' : names.join(', ')})`
}

/** The validator's first error, naming the field the way the client wrote it; `part` is where it was. */
export function validationMessage (errors: FastifyError['validation'], part: string | undefined): string {
  const [first] = errors ?? []
  const where = WHERE[part ?? ''] ?? 'input'
  if (!first) return `Invalid ${where}`
  // No body (none sent, an empty one, or `null`, which Fastify's request holds alike): the schema's
  // "must be object" would say less.
  if (part === 'body' && first.instancePath === '' && (first as { data?: unknown }).data === null) return 'Missing body: a JSON object'
  const missing = first.params?.missingProperty as string | undefined
  const extra = first.params?.additionalProperty as string | undefined
  const field = [placeOf(first.instancePath), missing ?? extra].filter(Boolean).join('.')
  if (missing) return `Missing ${where} ${field}`
  if (extra) return `Unknown ${where} ${field}${takenFields(first as { parentSchema?: unknown })}`
  const allowed = first.params?.allowedValues as unknown[] | undefined
  let detail = problemOf(first)
  // A query parameter sent twice arrives as an array of its values.
  if (part === 'querystring' && first.keyword === 'type' && Array.isArray((first as { data?: unknown }).data)) detail = 'given more than once'
  else if (first.keyword === 'format' && first.params?.format === 'date-time') detail = DATE_TIME_RULE
  else if (allowed && allowed.length > MAX_LISTED) detail = `${JSON.stringify((first as { data?: unknown }).data).slice(0, 100)} is not one of the values the contract allows`
  else if (allowed) detail = `${first.message}: ${allowed.map(String).join(', ')}`
  return field ? `Invalid ${where} ${field}: ${detail}` : `Invalid ${where === 'body field' ? 'body' : where}: ${detail}`
}

export function errorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof PortkeyError) {
    reply.code(error.statusCode).send(envelope(error.errorCode, error.message))
  } else if (error.validation) {
    reply.code(400).send(envelope('AB01', validationMessage(error.validation, error.validationContext)))
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    // Fastify's own messages for these two repeat the whole path, however long.
    reply.code(414).send(envelope('AB01', `URI Too Long: a path segment is over the ${MAX_PARAM_LENGTH} characters a path parameter may hold`))
  } else if (error.code === 'FST_ERR_BAD_URL') {
    reply.code(400).send(envelope('AB01', `Invalid path: a %-escape in it is malformed or not UTF-8 (${JSON.stringify(pathOf(request.url))})`))
  } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    // The framework's own client errors (a body too large, a content length not the body's): their
    // messages describe the request, never the server, so they are safe to show. Bodies that are not
    // JSON, or not sent as JSON, are refused in src/body.ts in words of our own.
    reply.code(error.statusCode).send(envelope(CODE_FOR_STATUS[error.statusCode] ?? 'AB01', error.message))
  } else {
    request.log.error({ err: error }, 'unexpected error')
    reply.code(500).send(envelope('AB04', 'Internal Server Error'))
  }
}

/** A body sent as another type than JSON; its type as sent, cut short (the header may be as long as Node allows). */
export function unsupportedMediaType (type: string | undefined): PortkeyError {
  const sent = type === undefined ? 'it has no Content-Type' : `not ${JSON.stringify(type.slice(0, 100))}`
  return new PortkeyError(415, 'AB01', `Unsupported Media Type: a body must be sent as application/json, ${sent}`)
}

export function unsupportedEncoding (coding: string): PortkeyError {
  return new PortkeyError(415, 'AB01', `Unsupported Media Type: a body must be sent uncompressed, not with Content-Encoding ${JSON.stringify(coding.slice(0, 100))}`)
}

/** A request's path as a message names it, cut short. */
export const pathOf = (url: string): string => url.split('?', 1)[0].slice(0, 200)

export function notFoundHandler (request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send(envelope('AB08', `No route for ${request.method} ${pathOf(request.url)}`))
}
