// Requests generated from openapi/openapi.yaml: values its schemas accept, values just outside them,
// and values of no relation to them, so that a property over every operation reaches the handlers
// as well as every refusal on the way there.
import fc, { type Arbitrary } from 'fast-check'

type Schema = Record<string, unknown>

const MAX_SAFE = Number.MAX_SAFE_INTEGER

// Values any field may receive instead of what its schema says.
const HOSTILE_STRINGS = ['', ' ', 'x'.repeat(300), '\u0000', '%00', "' OR 1=1 --", '__proto__', '{}', '-1', '1e400', 'null', '\ud800']
const HOSTILE_NUMBERS = [-1, 0, 1.5, MAX_SAFE, MAX_SAFE + 1, 2 ** 63, 1e21, 1e308, -1e308]
const HOSTILE_DATES = [
  '2030-06-30T23:59:60Z', '9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+01:00', '10000-01-01T00:00:00Z',
  '2030-02-30T00:00:00Z', '2030-01-01 00:00:00Z', '2030-01-01T00:00:00+0100', '1970-01-01T00:00:00Z', '0001-01-01T00:00:00Z',
]
export const anything: Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, [], {}, ...HOSTILE_STRINGS, ...HOSTILE_NUMBERS),
  fc.jsonValue({ maxDepth: 3 })
)

const dateTimes = fc.oneof(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map(d => d.toISOString()),
  fc.constantFrom(...HOSTILE_DATES, '9999-12-31T23:59:59.999Z', '2030-01-01T01:00:00+01:00', '2030-01-01t00:00:00.123456z')
)

function strings (schema: Schema, { known, byName }: Context, name?: string): Arbitrary<string> {
  if (schema.format === 'email') return fc.emailAddress()
  if (schema.format === 'date-time') return dateTimes
  const made = schema.format === 'uuid'
    ? fc.uuid({ version: 4 })
    : typeof schema.pattern === 'string'
      ? fc.oneof(fc.stringMatching(new RegExp(schema.pattern)), fc.string({ maxLength: 20 }))
      : fc.string({ minLength: (schema.minLength as number | undefined) ?? 0, maxLength: Math.min((schema.maxLength as number | undefined) ?? 40, 40) })
  const pool = (name !== undefined && byName[name]) || known
  return pool.length ? fc.oneof({ weight: 1, arbitrary: made }, { weight: 2, arbitrary: fc.constantFrom(...pool) }) : made
}

function numbers (schema: Schema): Arbitrary<number> {
  const min = (schema.minimum as number | undefined) ?? -MAX_SAFE
  const max = (schema.maximum as number | undefined) ?? MAX_SAFE
  const [low, high] = [Math.max(min, -MAX_SAFE), Math.min(max, MAX_SAFE)]
  const valid = schema.type === 'integer' ? fc.integer({ min: low, max: high }) : fc.double({ min, max, noNaN: true })
  // Small values as well as the edges: most integers a client sends are (a page, a fault rule's id from 1).
  // None where the bounds hold no integer (a number between 0.2 and 0.5).
  const [smallLow, smallHigh] = [Math.ceil(low), Math.min(Math.floor(high), Math.ceil(low) + 3)]
  const small = smallLow <= smallHigh ? [fc.integer({ min: smallLow, max: smallHigh })] : []
  return fc.oneof(valid, ...small, fc.constantFrom(min, max, min - 1, max + 1))
}

export interface Context {
  /** Ids and slugs that name something in the store, mixed into id-like strings so that requests reach it. */
  known: string[]
  /** Those of one kind, for the parameter or field at that path (`workspaceId`, `user_id`, `users[].id`). */
  byName: Record<string, string[]>
  /** Whether objects now and then carry fields their schema does not list (true when not said). */
  strays?: boolean
}

/** Values for one schema (of a field or parameter of this name): mostly what it accepts, sometimes anything at all. */
export function valuesOf (schema: Schema, context: Context, name?: string): Arbitrary<unknown> {
  return fc.oneof({ weight: 15, arbitrary: accepted(schema, context, name) }, { weight: 1, arbitrary: anything })
}

function accepted (schema: Schema, context: Context, name?: string): Arbitrary<unknown> {
  if (Array.isArray(schema.allOf)) return accepted({ ...schema.allOf[0] as Schema, nullable: schema.nullable }, context, name)
  const own = ((): Arbitrary<unknown> => {
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum)
    switch (schema.type) {
      case 'string': return strings(schema, context, name)
      case 'integer':
      case 'number': return numbers(schema)
      case 'boolean': return fc.boolean()
      case 'array': return fc.array(valuesOf(schema.items as Schema, context, `${name ?? ''}[]`), { maxLength: Math.min((schema.maxItems as number | undefined) ?? 4, 4) })
      case 'object': return objects(schema, context, name)
      default: return anything
    }
  })()
  return schema.nullable === true ? fc.oneof(fc.constant(null), own) : own
}

function objects (schema: Schema, context: Context, path?: string): Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  const extra = schema.additionalProperties
  if (Object.keys(properties).length === 0) {
    if (typeof extra === 'object') return fc.dictionary(fc.string({ maxLength: 10 }), valuesOf(extra as Schema, context), { maxKeys: 3 })
    // An object that takes no field (a body of `{}`) has one value without strays.
    return extra === false && context.strays === false ? fc.constant({}) : fc.object({ maxDepth: 2 })
  }
  const required = new Set((schema.required ?? []) as string[])
  // An optional field is sent one time in four, so that a request valid in every field it sends
  // is common enough to reach the handler.
  const fields = Object.entries(properties).map(([name, property]) => {
    const value = valuesOf(property, context, path ? `${path}.${name}` : name)
    return (required.has(name) ? value : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value }))
      .map(v => [name, v] as const)
  })
  // Unknown fields, which must be ignored, now and then.
  const unknown = context.strays === false ? fc.constant({}) : fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anything, { maxKeys: 2 }), { freq: 4, nil: {} })
  return fc.tuple(unknown, ...fields).map(([extra, ...known]) =>
    ({ ...extra, ...Object.fromEntries(known.filter(([, v]) => v !== undefined)) }))
}
