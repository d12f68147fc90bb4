import type { FastifyInstance } from 'fastify'
import { listEnvelope, pageOf } from '../platform/paging.js'
import { serve } from '../platform/serve.js'
import { addFault, clearFaults, clearRequests, deleteFault, getClock, getHealth, getOpenApiDocument, headHealth, listFaults, listRequests, setClock } from '../schemas/generated.js'
import { formatInstant } from '../time.js'

// The stand-in's own routes, outside Portkey's paths.
export default async function mock (app: FastifyInstance): Promise<void> {
  const { clock } = app
  const clockNow = () => ({ now: formatInstant(clock.now()), frozen: clock.frozen, offset_ms: clock.offset })

  // Registered after the store, so an answer means migrations and seed are done.
  serve(app, getHealth, 'public', () => ({ status: 'ok' as const }))
  // Node sends a HEAD answer's headers, content-length included, and not its body.
  serve(app, headHealth, 'public', () => ({ status: 'ok' as const }))
  serve(app, getOpenApiDocument, 'public', () => app.swagger() as unknown as Record<string, unknown>)

  serve(app, getClock, 'public', () => clockNow())

  serve(app, setClock, 'public', ({ body }) => {
    clock.change(body)
    return clockNow()
  })

  serve(app, listRequests, 'public', ({ query }) => {
    const found = app.journal.list({ method: query.method, path: query.path, status: query.status, apiKeyId: query.api_key_id, operationId: query.operation_id })
    const { limit, offset } = pageOf(query.page_size, query.current_page)
    return listEnvelope(found.length, found.slice(offset, offset + limit))
  })

  serve(app, clearRequests, 'public', () => {
    app.journal.clear()
    return {}
  })

  serve(app, listFaults, 'public', () => {
    const faults = app.faults.list()
    return listEnvelope(faults.length, faults)
  })

  serve(app, addFault, 'public', ({ body }) => app.faults.add(body))

  serve(app, clearFaults, 'public', () => {
    app.faults.clear()
    return {}
  })

  serve(app, deleteFault, 'public', ({ params }) => app.faults.remove(params.id))
}
