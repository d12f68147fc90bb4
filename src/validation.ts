import type { FastifySchemaCompiler } from 'fastify'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { badRequest, validationMessage } from './errors.js'
import { isOwnRoute } from './platform/serve.js'
import { OptionalKind } from './schemas/generated.js'
import { parseInstant } from './time.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

// Fastify's own request-validation settings, with four changes:
// - Query and path values arrive as strings and are coerced; a JSON body is not: `"name": 7` is a
//   400, not the name "7".
// - A body the contract does not require (generated as TypeBox's Optional) may be absent, which
//   Fastify hands over as null.
// - Coercing a string such as "Infinity" or "1e400" gives a non-finite number that Ajv lets past
//   `integer` and past every bound. Such a value is refused here, for every route.
// - `date-time` is what every client can read back (src/time.ts), not all that RFC 3339 allows.
// verbose: an error carries the value it refused, so a message can name an unknown scope.
const options = { useDefaults: true, removeAdditional: true, allErrors: false, verbose: true } as const
const FLAVOURS = {
  coercing: { ...options, coerceTypes: 'array' },
  strict: options,
  // The stand-in's own routes refuse a field or query parameter they do not know (a misspelt fixture
  // field or journal filter is a mistake), where Portkey's ignore it: their schemas say
  // additionalProperties: false, which the other flavours take as leave to remove the field.
  exact: { ...options, removeAdditional: false },
  exactCoercing: { ...options, coerceTypes: 'array', removeAdditional: false },
} as const
type Flavour = keyof typeof FLAVOURS

// The path of the first non-finite number. A walk with its own stack, so that no nesting the body
// parser lets through can overflow the call stack.
function nonFinite (data: unknown): string | undefined {
  const pending: [unknown, string][] = [[data, '']]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next
    if (typeof value === 'number' && !Number.isFinite(value)) return path
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push([item, `${path}/${key}`])
    }
  }
  return undefined
}

// Whether data validated by this schema can hold a number at all: only a body's JSON (a number in
// free-form metadata, say) or a value the schema coerces to one. A path or query of strings cannot,
// and is spared the walk above (~0.5 µs of a key read).
function mayHoldNumbers (httpPart: string | undefined, schema: object): boolean {
  if (httpPart === 'body') return true
  const pending: unknown[] = [schema]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next === null || typeof next !== 'object') continue
    const type = (next as { type?: unknown }).type
    if (type === 'number' || type === 'integer' || (Array.isArray(type) && (type.includes('number') || type.includes('integer')))) return true
    pending.push(...Object.values(next))
  }
  return false
}

// One Ajv per flavour for the whole process; Ajv keeps each compiled validator by schema object, and
// the routes of both prefixes and of every app a test suite builds share the generated schema
// objects. Both the Ajv and each validator are made when a request first needs them, so that an app
// starts without compiling what its tests never call.
const ajvs = new Map<Flavour, Ajv>()

function compile (flavour: Flavour, schema: object): ValidateFunction {
  let ajv = ajvs.get(flavour)
  if (ajv === undefined) {
    ajv = addFormats(new Ajv(FLAVOURS[flavour])).addFormat('date-time', { type: 'string', validate: text => parseInstant(text) !== undefined })
    ajvs.set(flavour, ajv)
  }
  return ajv.compile(schema)
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart, url }) => {
  const own = isOwnRoute(url)
  const flavour: Flavour = httpPart === 'body' ? (own ? 'exact' : 'strict') : (own ? 'exactCoercing' : 'coercing')
  const mayBeAbsent = (schema as Record<symbol, unknown>)[OptionalKind] === 'Optional'
  const numbers = mayHoldNumbers(httpPart, schema)
  let validate: ValidateFunction | undefined
  const check = ((data: unknown) => {
    if (data == null && mayBeAbsent) {
      check.errors = null
      return true
    }
    validate ??= compile(flavour, schema)
    if (!validate(data)) {
      check.errors = validate.errors
      return false
    }
    const path = numbers ? nonFinite(data) : undefined
    check.errors = path === undefined
      ? null
      : [{ instancePath: path, keyword: 'type', schemaPath: '', params: {}, message: 'must be a finite number' } satisfies ErrorObject]
    return path === undefined
  }) as ValidateFunction
  return check
}

/**
 * `value` checked as the route of `operation` checks that part of a request, for code that reaches
 * the operation without HTTP (the package's import): refused, it throws the 400 the route answers.
 */
export function checkedInput<T> (operation: { method: string, url: string, schema: object }, part: 'body' | 'params' | 'querystring', value: T): T {
  const check = validatorCompiler({ schema: (operation.schema as Record<string, object>)[part], httpPart: part, url: operation.url, method: operation.method })
  if (check(value) !== true) throw badRequest(validationMessage(check.errors ?? undefined, part))
  return value
}
