import type { FastifySerializerCompiler } from 'fastify'
import fastJsonStringify from 'fast-json-stringify'

// Fastify's own serialiser (fast-json-stringify, as its default compiler calls it), built once per
// schema for the whole process and only when a route first answers with it: the routes of both
// prefixes and of every app in a test suite share the generated schema objects.
const compiled = new WeakMap<object, (data: unknown) => string>()

export const serializerCompiler: FastifySerializerCompiler<object> = ({ schema }) => {
  let serialize: ((data: unknown) => string) | undefined
  return data => {
    if (serialize === undefined) {
      serialize = compiled.get(schema)
      if (serialize === undefined) compiled.set(schema, serialize = fastJsonStringify(schema, { schema: {} }))
    }
    return serialize(data)
  }
}
