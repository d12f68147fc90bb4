import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods, RawReplyDefaultExpression,
  RawRequestDefaultExpression, RawServerDefault, RouteGenericInterface, RouteHandlerMethod,
} from 'fastify'
import type { Permit } from './access.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The operation the request reached, once its route's own hook has run; null until then. */
    operationId: string | null
  }
}

/** Whether a route, by the url it is registered at, is one of the stand-in's own (/__mock), not Portkey's. */
export const isOwnRoute = (url: string | undefined): boolean => url?.startsWith('/__mock/') === true

/** An operation of openapi/openapi.yaml as src/schemas/generated.ts describes it. */
export interface Operation<S extends FastifySchema> {
  method: HTTPMethods
  url: string
  prefixes: readonly string[]
  schema: S
}

type Request<S extends FastifySchema> = FastifyRequest<RouteGenericInterface, RawServerDefault, RawRequestDefaultExpression, S, TypeBoxTypeProvider>
type Answer<S extends FastifySchema> = Exclude<ReturnType<RouteHandlerMethod<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, RouteGenericInterface, unknown, S, TypeBoxTypeProvider>>, void | Promise<unknown>>

/**
 * A route's handler: the answer itself, never a promise (Fastify sends a returned value at once,
 * where a promise costs every request its making and a turn of the microtask queue), and never
 * nothing (a handler that returns nothing leaves its request unanswered).
 */
export type Handler<S extends FastifySchema> = (request: Request<S>) => Answer<S>

/**
 * Serves an operation at each of its document's server prefixes, with its generated schemas; its
 * permit (for every route but the stand-in's public ones) runs right after authentication, before
 * the body is read, and its hook notes the operation on the request for the journal.
 */
export function serve<S extends FastifySchema> (app: FastifyInstance, operation: Operation<S>, permit: Permit | 'public', handler: Handler<S>): void {
  const operationId = (operation.schema as { operationId?: string }).operationId ?? null
  // A callback hook, not an async one: a promise a request costs more than the permit itself. The
  // route's own onRequest hook runs after its plugin's (authentication, faults), in the same pass of
  // Fastify's hook runner: a preParsing hook would cost a second pass.
  const onRequest = permit === 'public'
    ? undefined
    : (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
        request.operationId = operationId
        try {
          permit(request.caller)
        } catch (error) {
          return done(error as Error)
        }
        done()
      }
  for (const prefix of operation.prefixes) {
    app.withTypeProvider<TypeBoxTypeProvider>().route({
      method: operation.method,
      url: prefix + operation.url,
      schema: operation.schema,
      ...(onRequest ? { onRequest } : {}),
      handler,
    })
  }
}
