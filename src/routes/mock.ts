import type { FastifyInstance } from 'fastify'
import { badRequest, invalidField } from '../errors.js'
import { listEnvelope, pageOf } from '../platform/paging.js'
import { serve } from '../platform/serve.js'
import { addFault, clearFaults, clearRequests, getClock, getHealth, getOpenApiDocument, listFaults, listRequests, setClock } from '../schemas/generated.js'
import { formatInstant, instantOf, LATEST } from '../time.js'

// The stand-in's own routes, outside Portkey's paths.
export default async function mock (app: FastifyInstance): Promise<void> {
  const { clock } = app
  const clockNow = () => ({ now: formatInstant(clock.now()), frozen: clock.frozen, offset_ms: clock.offset })

  // Registered after the store, so an answer means migrations and seed are done.
  serve(app, getHealth, 'public', () => ({ status: 'ok' as const }))
  serve(app, getOpenApiDocument, 'public', () => app.swagger() as unknown as Record<string, unknown>)

  serve(app, getClock, 'public', () => clockNow())

  serve(app, setClock, 'public', ({ body }) => {
    const given = (['set', 'advance_ms', 'freeze', 'real'] as const).filter(field => body[field] !== undefined)
    if (given.length !== 1) throw badRequest('Invalid body: send exactly one of set, advance_ms, freeze, real')
    if (body.set !== undefined) clock.set(instantOf(body.set))
    else if (body.advance_ms !== undefined) {
      if (clock.now() + body.advance_ms > LATEST) throw invalidField('advance_ms', `the clock would pass ${formatInstant(LATEST)}`)
      clock.advance(body.advance_ms)
    } else if (body.freeze) clock.freeze()
    else clock.real()
    return clockNow()
  })

  serve(app, listRequests, 'public', ({ query }) => {
    const found = app.journal.list({ method: query.method, path: query.path, status: query.status, apiKeyId: query.api_key_id })
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

  serve(app, addFault, 'public', ({ body }) => {
    if (body.status === undefined && body.latency_ms === undefined && body.drop === undefined) {
      throw badRequest('Invalid body: a fault needs status, latency_ms or drop')
    }
    if (body.status !== undefined && body.drop !== undefined) throw invalidField('drop', 'a dropped connection has no status')
    if (body.retry_after !== undefined && body.status !== 429 && body.status !== 503) throw invalidField('retry_after', 'goes with status 429 or 503')
    if (body.seed !== undefined && body.probability === undefined) throw invalidField('seed', 'seeds the draws of probability, which is not given')
    return app.faults.add(body)
  })

  serve(app, clearFaults, 'public', () => {
    app.faults.clear()
    return {}
  })
}
