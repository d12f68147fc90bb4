import type { FastifyRequest } from 'fastify'
import { unauthorised } from '../errors.js'
import { isExpired, type ApiKeyType } from '../resources/api-keys/model.js'
import type { Credential } from '../resources/api-keys/repository.js'
import { hashSecret } from '../secrets.js'

/** The authenticated key behind a request. */
export interface Caller {
  apiKeyId: string
  type: ApiKeyType
  organisationId: string
  workspaceId: string | null
  scopes: ReadonlySet<string>
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller
  }
}

const callerOf = (key: Credential): Caller => ({
  apiKeyId: key.id,
  type: key.type,
  organisationId: key.organisation_id,
  workspaceId: key.workspace_id,
  scopes: new Set(key.scopes),
})

// onRequest hook of every Portkey route: `x-portkey-api-key` must name a stored key that has not
// expired; the request then acts as that key. It runs before anything else reads the request, as a
// gateway does, so an unauthenticated request learns nothing about its input.
export async function authenticate (request: FastifyRequest): Promise<void> {
  const secret = request.headers['x-portkey-api-key']
  if (typeof secret !== 'string' || secret === '') throw unauthorised('Unauthorised Request: the x-portkey-api-key header is missing')
  const now = request.server.clock.now()
  const key = request.server.store.apiKeys.findBySecret(hashSecret(secret), now)
  if (!key || isExpired(key, now)) throw unauthorised()
  request.caller = callerOf(key)
}
