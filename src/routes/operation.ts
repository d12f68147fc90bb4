import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods, RawReplyDefaultExpression,
  RawRequestDefaultExpression, RawServerDefault, RequestPayload, RouteGenericInterface, RouteHandlerMethod,
} from 'fastify'
import type { Caller } from '../permissions.js'

/** An operation of openapi/openapi.yaml as src/schemas/generated.ts describes it. */
export interface Operation<S extends FastifySchema> {
  method: HTTPMethods
  url: string
  prefixes: readonly string[]
  schema: S
}

export type Handler<S extends FastifySchema> = RouteHandlerMethod<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, RouteGenericInterface, unknown, S, TypeBoxTypeProvider>

/**
 * Who may call an operation, decided from the caller alone. It runs before the body is read and the
 * input validated, so a caller without permission cannot make the server do that work, and learns
 * nothing about its input.
 */
export type Permit = (caller: Caller) => void

/** Serves an operation at each of its document's server prefixes, with its generated schemas. */
export function serve<S extends FastifySchema> (app: FastifyInstance, operation: Operation<S>, permit: Permit | 'public', handler: Handler<S>): void {
  const preParsing = permit === 'public'
    ? undefined
    : async (request: FastifyRequest, _reply: FastifyReply, payload: RequestPayload) => {
      permit(request.caller)
      return payload
    }
  for (const prefix of operation.prefixes) {
    app.withTypeProvider<TypeBoxTypeProvider>().route({
      method: operation.method,
      url: prefix + operation.url,
      schema: operation.schema,
      ...(preParsing ? { preParsing } : {}),
      handler,
    })
  }
}
