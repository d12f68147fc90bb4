import type { FastifyRequest } from 'fastify'
import { unauthorised } from './errors.js'
import { callerOf, type Caller } from './permissions.js'
import { isExpired } from './db/api-keys.js'
import { hashSecret } from './secrets.js'

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller
  }
}

// onRequest hook of every Portkey route: `x-portkey-api-key` must name a stored key that has not
// expired; the request then acts as that key. It runs before validation, as a gateway does, so an
// unauthenticated request learns nothing about its input.
export async function authenticate (request: FastifyRequest): Promise<void> {
  const secret = request.headers['x-portkey-api-key']
  if (typeof secret !== 'string' || secret === '') throw unauthorised('Unauthorised Request: the x-portkey-api-key header is missing')
  const now = request.server.clock.now()
  const key = request.server.store.apiKeys.findBySecret(hashSecret(secret), now)
  if (!key || isExpired(key, now)) throw unauthorised()
  request.caller = callerOf(key)
}
