import type { FastifySchemaCompiler } from 'fastify'
import { OptionalKind, type TSchema } from '@sinclair/typebox'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

// Fastify's own request-validation settings, with three changes:
// - Query and path values arrive as strings and are coerced; a JSON body is not: `"name": 7` is a
//   400, not the name "7".
// - A body the contract does not require (generated as TypeBox's Optional) may be absent, which
//   Fastify hands over as null.
// - Coercing a string such as "Infinity" or "1e400" gives a non-finite number that Ajv lets past
//   `integer` and past every bound. Such a value is refused here, for every route.
const options = { useDefaults: true, removeAdditional: true, allErrors: false } as const
const coercing = addFormats(new Ajv({ ...options, coerceTypes: 'array' }))
const strict = addFormats(new Ajv(options))

function nonFinite (value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path
  if (value === null || typeof value !== 'object') return undefined
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinite(item, `${path}/${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? strict : coercing).compile(schema)
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
    const path = nonFinite(data, '')
    check.errors = path === undefined
      ? null
      : [{ instancePath: path, keyword: 'type', schemaPath: '', params: {}, message: 'must be a finite number' } satisfies ErrorObject]
    return path === undefined
  }) as ValidateFunction
  return check
}
