import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { JournalEntry } from './schemas/generated.js'
import { maskSecret } from './secrets.js'
import { formatInstant } from './time.js'

// The request journal: what clients sent and what they were answered, so that a test can see what
// its client did. Bounded by count and by the bytes of the answers it keeps (a page of keys is tens
// of kilobytes): the oldest entries are dropped. A secret is never kept: headers that carry
// one are masked or replaced, and so is the secret that create and rotate answer, before the entry
// is stored. The stand-in's own /__mock routes are not journalled.

export interface JournalFilter {
  method?: string
  /** Part of the path. */
  path?: string
  status?: number
  apiKeyId?: string
}

const REPLACED = '[redacted]'
/** The most answer text the journal keeps, in UTF-16 code units (about bytes for JSON). */
const MAX_ANSWER_CHARACTERS = 8 * 1024 * 1024
// Operations whose answer carries a full secret, in `key`.
const ANSWER_SECRETS = new Set(['createApiKey', 'rotateApiKey'])

// What is kept of a request: as little work as possible when it is answered, the rest when read.
interface Stored {
  id: number
  at: number
  method: string
  url: string
  status: number
  durationMs: number
  apiKeyId: string | null
  operationId: string | null
  headers: Record<string, unknown>
  body: unknown
  answer: string
}

export class Journal {
  // Oldest first from #start. A dropped entry is released at once (its answer may be tens of
  // kilobytes); the empty slots before #start are cut away now and then, not one by one.
  readonly #entries: (Stored | undefined)[] = []
  #start = 0
  #characters = 0
  #next = 1

  constructor (readonly size: number, readonly maxCharacters = MAX_ANSWER_CHARACTERS) {}

  record (entry: Omit<Stored, 'id'>): void {
    this.#entries.push({ id: this.#next++, ...entry })
    this.#characters += entry.answer.length
    while (this.#entries.length - this.#start > this.size || (this.#characters > this.maxCharacters && this.#entries.length - this.#start > 1)) {
      this.#characters -= this.#entries[this.#start]!.answer.length
      this.#entries[this.#start++] = undefined
    }
    if (this.#start > 1024 && this.#start * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#start)
      this.#start = 0
    }
  }

  /** Newest first, in the contract's shape. */
  list (filter: JournalFilter): JournalEntry[] {
    const found: JournalEntry[] = []
    for (let i = this.#entries.length - 1; i >= this.#start; i--) {
      const entry = this.#entries[i]!
      const [path, query = ''] = entry.url.split('?', 2)
      if (filter.method !== undefined && entry.method !== filter.method) continue
      if (filter.path !== undefined && !path.includes(filter.path)) continue
      if (filter.status !== undefined && entry.status !== filter.status) continue
      if (filter.apiKeyId !== undefined && entry.apiKeyId !== filter.apiKeyId) continue
      found.push({
        id: entry.id,
        at: formatInstant(entry.at),
        method: entry.method,
        path,
        query,
        status: entry.status,
        duration_ms: entry.durationMs,
        api_key_id: entry.apiKeyId,
        operation_id: entry.operationId,
        request: { headers: asText(entry.headers), body: isObject(entry.body) ? entry.body : null },
        response: { body: parseOrWrap(entry.answer) },
      })
    }
    return found
  }

  clear (): void {
    this.#entries.length = 0
    this.#start = 0
    this.#characters = 0
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

function parseOrWrap (text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown
    return isObject(value) ? value : { value }
  } catch {
    return { text }
  }
}

function asText (headers: Record<string, unknown>): Record<string, string> {
  const text: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) text[name] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return text
}

// A copy of the headers in which no secret survives.
function maskedHeaders (request: FastifyRequest): Record<string, unknown> {
  const headers: Record<string, unknown> = { ...request.headers }
  const key = headers['x-portkey-api-key']
  if (typeof key === 'string') headers['x-portkey-api-key'] = maskSecret(key)
  else if (key !== undefined) headers['x-portkey-api-key'] = REPLACED
  if (headers.authorization !== undefined) headers.authorization = REPLACED
  if (headers.cookie !== undefined) headers.cookie = REPLACED
  return headers
}

declare module 'fastify' {
  interface FastifyInstance {
    journal: Journal
  }
}

/** Keeps a journal of the app's requests (none when size is 0). */
export function keepJournal (app: FastifyInstance, size: number): void {
  const journal = new Journal(size)
  app.decorate('journal', journal)
  if (size === 0) return
  // One callback hook, when the answer is ready to go: an async hook costs a promise a request, and a
  // second hook (onResponse) a second pass through the hook runner. Its duration is the time until
  // then, which is all of it but the write to the socket.
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done) => {
    if (!request.url.startsWith('/__mock/')) record(journal, app.clock.now(), request, reply, payload)
    done(null, payload)
  })
}

function record (journal: Journal, at: number, request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  // routeOptions is built afresh on every read: read it once.
  const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? null
  let answer = typeof payload === 'string' ? payload : ''
  if (operationId !== null && ANSWER_SECRETS.has(operationId) && reply.statusCode === 200) {
    const parsed = parseOrWrap(answer)
    if (typeof parsed.key === 'string') parsed.key = maskSecret(parsed.key)
    answer = JSON.stringify(parsed)
  }
  journal.record({
    at,
    method: request.method,
    url: request.url,
    status: reply.statusCode,
    durationMs: reply.elapsedTime,
    apiKeyId: request.caller?.apiKeyId ?? null,
    operationId,
    headers: maskedHeaders(request),
    body: request.body,
    answer,
  })
}
