import type { FastifySchemaCompiler } from 'fastify'
import { OptionalKind, type TSchema } from '@sinclair/typebox'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
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
const withFormats = (ajv: Ajv) => addFormats(ajv).addFormat('date-time', { type: 'string', validate: text => parseInstant(text) !== undefined })
const coercing = withFormats(new Ajv({ ...options, coerceTypes: 'array' }))
const strict = withFormats(new Ajv(options))
// The stand-in's own routes refuse a field they do not know (a misspelt fixture field is a mistake),
// where Portkey's ignore it.
const exact = withFormats(new Ajv({ ...options, removeAdditional: false }))

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

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart, url }) => {
  const validate = (httpPart !== 'body' ? coercing : url.startsWith('/__mock/') ? exact : strict).compile(schema)
  const mayBeAbsent = (schema as TSchema)[OptionalKind] === 'Optional'
  const check = ((data: unknown) => {
    if (data == null && mayBeAbsent) {
      check.errors = null
      return true
    }
    if (!validate(data)) {
      check.errors = validate.errors
      return false
    }
    const path = nonFinite(data)
    check.errors = path === undefined
      ? null
      : [{ instancePath: path, keyword: 'type', schemaPath: '', params: {}, message: 'must be a finite number' } satisfies ErrorObject]
    return path === undefined
  }) as ValidateFunction
  return check
}
