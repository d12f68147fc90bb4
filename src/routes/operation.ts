import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyInstance, FastifySchema, HTTPMethods, RawReplyDefaultExpression, RawRequestDefaultExpression,
  RawServerDefault, RouteGenericInterface, RouteHandlerMethod,
} from 'fastify'

/** An operation of openapi/openapi.yaml as src/schemas/generated.ts describes it. */
export interface Operation<S extends FastifySchema> {
  method: HTTPMethods
  url: string
  prefixes: readonly string[]
  schema: S
}

export type Handler<S extends FastifySchema> = RouteHandlerMethod<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, RouteGenericInterface, unknown, S, TypeBoxTypeProvider>

/** Serves an operation at each of its document's server prefixes, with its generated schemas. */
export function serve<S extends FastifySchema> (app: FastifyInstance, operation: Operation<S>, handler: Handler<S>): void {
  for (const prefix of operation.prefixes) {
    app.withTypeProvider<TypeBoxTypeProvider>().route({
      method: operation.method,
      url: prefix + operation.url,
      schema: operation.schema,
      handler,
    })
  }
}
