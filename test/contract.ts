// Validates responses against openapi/openapi.yaml itself, not against the generated TypeBox code,
// so the server cannot drift from its own contract unnoticed.
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { documentPath } from '../src/app.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

type Json = Record<string, unknown>

// OpenAPI 3.0 `nullable` as JSON Schema, so validation does not lean on an Ajv extension.
function toJsonSchema (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema)
  if (schema === null || typeof schema !== 'object') return schema
  const { nullable, example: _, ...rest } = schema as Json
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, toJsonSchema(v)]))
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted
}

export interface Contract {
  /** What is wrong with one response, given the operation that answered it (none for no route). */
  violations (operationId: string | undefined, status: number, contentType: unknown, body: string): string[]
  document: Json
}

export async function loadContract (): Promise<Contract> {
  const document = await SwaggerParser.dereference(documentPath) as unknown as Json
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }))
  const byOperation = new Map<string, Map<string, ValidateFunction>>()
  for (const item of Object.values(document.paths as Record<string, Record<string, Json>>)) {
    for (const operation of Object.values(item)) {
      if (typeof operation.operationId !== 'string') continue
      const statuses = new Map<string, ValidateFunction>()
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        const schema = (response.content as Record<string, { schema: unknown }>)['application/json'].schema
        statuses.set(status, ajv.compile(toJsonSchema(schema) as Json))
      }
      byOperation.set(operation.operationId, statuses)
    }
  }
  const errorSchema = ajv.compile(toJsonSchema((document.components as Json & { schemas: Json }).schemas.ErrorResponse) as Json)

  return {
    document,
    violations (operationId, status, contentType, body) {
      if (!String(contentType).startsWith('application/json')) return [`content-type is ${String(contentType)}, not application/json`]
      let parsed: unknown
      try { parsed = JSON.parse(body) } catch { return [`body is not JSON: ${body.slice(0, 200)}`] }
      const validate = operationId === undefined ? errorSchema : byOperation.get(operationId)?.get(String(status))
      if (!validate) return [`${operationId ?? 'no route'} answered ${status}, which the contract does not declare`]
      if (validate(parsed)) return []
      return (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`)
    },
  }
}
