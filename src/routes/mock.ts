import type { FastifyInstance } from 'fastify'
import { getHealth, getOpenApiDocument } from '../schemas/generated.js'
import { serve } from '../platform/serve.js'

// The stand-in's own routes, outside Portkey's paths.
export default async function mock (app: FastifyInstance): Promise<void> {
  // Registered after the store, so an answer means migrations and seed are done.
  serve(app, getHealth, 'public', async () => ({ status: 'ok' as const }))
  serve(app, getOpenApiDocument, 'public', async () => app.swagger() as unknown as Record<string, unknown>)
}
