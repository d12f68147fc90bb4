// Validates responses against openapi/openapi.yaml itself, not against the generated TypeBox code,
// so the server cannot drift from its own contract unnoticed.
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { documentPath } from '../openapi/generate.js'

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

// RFC 3339 as Go's time.Parse reads it: what the Terraform provider accepts, and never "".
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

// How the Terraform provider decodes an ApiKeyObject, independently of the schema: a mistake in
// the schema and the server together would still be caught here.
function terraformDecodes (key: Json, where: string): string[] {
  const problems: string[] = []
  const timestamp = (value: unknown, field: string) => {
    if (value !== null && !(typeof value === 'string' && RFC3339.test(value))) problems.push(`${where}.${field} is ${JSON.stringify(value)}, not RFC 3339 or null`)
  }
  for (const field of ['created_at', 'last_updated_at', 'expires_at', 'last_reset_at']) timestamp(key[field], field)
  const usage = key.usage_limits as Json | null
  if (usage) timestamp(usage.next_usage_reset_at, 'usage_limits.next_usage_reset_at')
  const rotation = key.rotation_policy as Json | null
  if (rotation) timestamp(rotation.next_rotation_at, 'rotation_policy.next_rotation_at')
  for (const [i, limit] of ((key.rate_limits ?? []) as Json[]).entries()) {
    if (!Number.isInteger(limit.value)) problems.push(`${where}.rate_limits[${i}].value is ${JSON.stringify(limit.value)}, not an integer`)
  }
  const override = key.allow_config_override
  if (override !== null && !Number.isInteger(override)) problems.push(`${where}.allow_config_override is ${JSON.stringify(override)}, not an integer or null`)
  const metadata = (key.defaults as Json | undefined)?.metadata as Json | null | undefined
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== 'string') problems.push(`${where}.defaults.metadata.${name} is not a string`)
  }
  return problems
}

function strictDecoding (operationId: string | undefined, status: number, body: Json): string[] {
  if (status !== 200) return []
  if (operationId === 'retrieveApiKey') return terraformDecodes(body, 'body')
  if (operationId === 'listApiKeys') return (body.data as Json[]).flatMap((key, i) => terraformDecodes(key, `data[${i}]`))
  if (operationId === 'rotateApiKey' && !RFC3339.test(String(body.key_transition_expires_at))) return ['key_transition_expires_at is not RFC 3339']
  return []
}

export interface Contract {
  /** What is wrong with one response, given the operation that answered it (none for no route). */
  violations (operationId: string | undefined, status: number, contentType: unknown, body: string): string[]
  document: Json
}

export async function loadContract (): Promise<Contract> {
  const document = await SwaggerParser.dereference(documentPath) as unknown as Json
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }))
  // Each response's schema compiled when a test first meets it: compiling all of them took every
  // test file ~0.5 s, where most files meet a few operations.
  const schemas = new Map<string, unknown>()
  for (const item of Object.values(document.paths as Record<string, Record<string, Json>>)) {
    for (const operation of Object.values(item)) {
      if (typeof operation.operationId !== 'string') continue
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        // A response declared without content is a HEAD's, whose body Node never sends: any will do.
        const content = response.content as Record<string, { schema: unknown }> | undefined
        schemas.set(`${operation.operationId} ${status}`, content === undefined ? {} : content['application/json'].schema)
      }
    }
  }
  schemas.set('no route', (document.components as Json & { schemas: Json }).schemas.ErrorResponse)
  const compiled = new Map<string, ValidateFunction>()
  const validatorOf = (name: string): ValidateFunction | undefined => {
    let validate = compiled.get(name)
    if (validate === undefined && schemas.has(name)) compiled.set(name, validate = ajv.compile(toJsonSchema(schemas.get(name)) as Json))
    return validate
  }

  return {
    document,
    violations (operationId, status, contentType, body) {
      if (!String(contentType).startsWith('application/json')) return [`content-type is ${String(contentType)}, not application/json`]
      let parsed: unknown
      try { parsed = JSON.parse(body) } catch { return [`body is not JSON: ${body.slice(0, 200)}`] }
      const validate = validatorOf(operationId === undefined ? 'no route' : `${operationId} ${status}`)
      if (!validate) return [`${operationId ?? 'no route'} answered ${status}, which the contract does not declare`]
      if (!validate(parsed)) return (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`)
      return strictDecoding(operationId, status, parsed as Json)
    },
  }
}
