import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isJsonObject } from './body.js'
import { isOwnRoute } from './platform/serve.js'
import type { JournalEntry } from './schemas/generated.js'
import { maskSecret } from './secrets.js'
import { formatInstant } from './time.js'

// The request journal: what clients sent and what they were answered, so that a test can see what
// its client did. Bounded by count and by the bytes it keeps (a page of keys is tens of kilobytes):
// the oldest entries are dropped. A secret is never kept: headers that carry one are masked or
// replaced, and so is the secret that create and rotate answer, before the entry is stored. The
// stand-in's own /__mock routes are not journalled.

export interface JournalFilter {
  method?: string
  /** Part of the path. */
  path?: string
  status?: number
  apiKeyId?: string
  operationId?: string
}

const REPLACED = '[redacted]'
const SLASH = 0x2f
const BEYOND_LATIN1 = /[^\0-\xff]/
/** The most the journal keeps of what was sent and answered, in bytes as kept (one or two a character). */
const MAX_BYTES = 8 * 1024 * 1024
// Operations whose answer carries a full secret, in `key`.
const ANSWER_SECRETS = new Set(['createApiKey', 'rotateApiKey'])

/** An entry as it is written: the request as it came and went. */
export interface Recorded {
  at: number
  method: string
  url: string
  status: number
  durationMs: number
  apiKeyId: string | null
  operationId: string | null
  /** The header lines as sent: name, value, name, value (Node's `rawHeaders`). The journal masks them. */
  headers: readonly string[]
  body: unknown
  answer: string
  /** The answer's length in bytes of UTF-8, where the sender counted it (Fastify's content-length). */
  answerBytes?: number
}

// Entries are kept as bytes in one ring buffer, not as objects: objects kept past a young-
// generation collection are copied into the old generation, and kept by the thousand those copies
// cost a read ~12% of its rate (measured: the hook without the keeping costs nothing); buffers made
// and freed as it goes cost collections too. Each entry is one text, its url, body and answer, laid
// side by side (see #write()), and sliced by the url's and the body's lengths in UTF-16 units when
// read. The url is copied too, short as it is: kept by reference, a thousand of them young in every
// scavenge made each 0.25 ms longer; with the url copied, a key read stood higher against its rate
// without the journal in each of five runs of paired loads that had both builds. Texts that
// repeat from request to request are kept by reference, since they are long-lived already: the
// method (Node's own), the caller's key id (its cached credential's), the operation id (the
// route's) and the header text (built again only when a request's header lines differ from the last
// one's). Numbers sit in typed arrays, one slot an entry, in a ring of the journal's size. The text
// is copied as V8 holds it where it can: a byte a character (latin1) when the answer is ASCII (its
// UTF-8 byte count equal to its length) and the url and the body hold no character beyond latin1,
// as UTF-16 otherwise. V8 holds a text with one character beyond latin1 at two bytes a character,
// and encoding it to UTF-8 made a record of a workspace's answer (the seed's emoji) 1.1 µs, where as
// UTF-16 it is 0.6 (micro-benchmark).
const SHARED = 4 // method, api key id, operation id, headers
const NUMBERS = 4 // id, at, status, duration
/** Requests held back before they are written (see hold()). */
const HELD = 16
/** Laps of the ring after which positions are counted again from the oldest entry's (see #write()). */
const LAPS = 64

export class Journal {
  // Where each entry starts and where the next will, counted in bytes over the ring's laps, so that
  // what is kept is always [start of the oldest, #end), at most maxBytes; an entry never wraps.
  readonly #starts: Float64Array
  #end = 0
  /** Bytes of the entry's text. */
  readonly #bytes: Int32Array
  /** The url's length in UTF-16 units, where the entry's text starts. */
  readonly #urlLengths: Int32Array
  /**
   * The body's length in UTF-16 units, after the url; what follows is the answer. A body is never
   * empty (`{}` at least), so 0 means none.
   */
  readonly #bodyLengths: Int32Array
  /** 1 where the text is kept as UTF-16, 0 where as latin1. */
  readonly #wide: Uint8Array
  readonly #numbers: Float64Array
  readonly #shared: (string | null)[]
  #ring: Buffer | undefined
  /** The bytes of an entry larger than the whole ring, kept alone until the next. */
  #alone: Buffer | undefined
  #oldest = 0
  #count = 0
  #next = 1
  #lastLines: readonly string[] = []
  #lastHeaders = ''
  // Requests answered and not yet written: when, and the reply and answer as Fastify handed them
  // over, in an array made afresh for each HELD: stores into a young array leave the write barrier
  // at its first check, where one kept for good grows old and each store would be remembered.
  readonly #heldTimes = new Float64Array(HELD * 2)
  #held = new Array<unknown>(HELD * 2)
  #heldCount = 0

  constructor (readonly size: number, readonly maxBytes = MAX_BYTES) {
    this.#starts = new Float64Array(size)
    this.#bytes = new Int32Array(size)
    this.#urlLengths = new Int32Array(size)
    this.#bodyLengths = new Int32Array(size)
    this.#wide = new Uint8Array(size)
    this.#numbers = new Float64Array(size * NUMBERS)
    this.#shared = new Array<string | null>(size * SHARED).fill(null)
  }

  /**
   * Keeps a request once it has been answered. Held back as Fastify handed it over and written HELD
   * at a time, by one loop: an entry's work, from reading the request's fields to Buffer's native
   * writes, is code gone cold by the time the next request reaches it, and in a loop it stays warm.
   * Timed around the hook in a running server, a key read's entry cost ~1.25 µs held after its fields
   * were read into an object, ~1.0 held as handed over; held eight or sixteen at a time alike, one
   * or sixty-four ~0.2 µs more. Until written, a request's header lines are unmasked, as the last
   * request's are kept already, and so is the secret a create or rotate answered. How long a request
   * took is read when it is written: Fastify notes when each answer has been sent, and reading the
   * timer for every request instead cost a key read ~200 instructions and ~65 instruction-cache
   * misses (cachegrind).
   */
  hold (at: number, reply: FastifyReply, answer: unknown): void {
    const n = this.#heldCount++
    this.#heldTimes[n * 2] = at
    this.#held[n * 2] = reply
    this.#held[n * 2 + 1] = answer
    if (this.#heldCount === HELD) this.#writeHeld()
  }

  #writeHeld (): void {
    const count = this.#heldCount
    const held = this.#held
    this.#heldCount = 0
    this.#held = new Array<unknown>(HELD * 2)
    // Durations first, so that an answer not yet sent (the one that filled the batch) is timed now,
    // not after the others are written.
    for (let n = 0; n < count; n++) this.#heldTimes[n * 2 + 1] = (held[n * 2] as FastifyReply).elapsedTime
    for (let n = 0; n < count; n++) {
      const reply = held[n * 2] as FastifyReply
      if (!isOwn(reply.request)) this.record(recorded(this.#heldTimes[n * 2], this.#heldTimes[n * 2 + 1], reply, held[n * 2 + 1]))
    }
  }

  /** Writes an entry. */
  record (entry: Recorded): void {
    if (this.size === 0) return
    this.#write(entry)
  }

  #write (entry: Recorded): void {
    const body = entry.body == null ? null : JSON.stringify(asObject(entry.body))
    const bodyLength = body === null ? 0 : body.length
    const { url, answer } = entry
    const wide = entry.answerBytes !== answer.length || BEYOND_LATIN1.test(url) || (body !== null && BEYOND_LATIN1.test(body))
    const unit = wide ? 2 : 1
    const room = (url.length + bodyLength + answer.length) * unit
    // Each lap starts a whole ring further on, so counted since the journal began, positions pass
    // 2^30 within seconds of a load (~128,000 key reads), and V8 then holds them as heap numbers: a
    // write took 5-8% longer (micro-benchmark). So every LAPS laps they count from the oldest's lap.
    if (this.#end >= LAPS * this.maxBytes) this.#recount()
    let start = this.#end
    if (start % this.maxBytes + room > this.maxBytes) start += this.maxBytes - start % this.maxBytes
    // Back to the ring's start as soon as what is kept leaves room there, so that a journal kept
    // small by its count writes over a few of the ring's megabytes, not all of them: the bytes it
    // sweeps through push the store's pages out of the processor's caches (-5% on a read).
    const kept = this.#count === 0 ? 0 : start - this.#starts[this.#oldest]
    if (start % this.maxBytes >= kept + room) start += this.maxBytes - start % this.maxBytes
    // One larger than the ring is kept alone, until the next.
    const alone = room > this.maxBytes
    while (this.#count > 0 && (this.#count === this.size || start + (alone ? this.maxBytes : room) - this.#starts[this.#oldest] > this.maxBytes)) this.#drop()

    const buffer = alone ? (this.#alone = Buffer.allocUnsafeSlow(room)) : this.#ring ??= Buffer.allocUnsafeSlow(this.maxBytes)
    const at = alone ? 0 : start % this.maxBytes
    // The url, the body and the answer written apart (joined, V8 copies them into a new string
    // first), each by Buffer's own write for its encoding rather than write(), whose checks of its
    // arguments cost more than the copy: timed around the hook in a running server, a key read's
    // entry took 1.6 µs with one write() of the joined text, 1.3 with these (with the operation
    // noted by the route). They are not in Node's documentation, but have been on every Buffer since
    // Node's first releases, and serialisers (msgpackr, bson) call utf8Write, their twin.
    const writable = buffer as EncodingWrites
    const bodyAt = at + url.length * unit
    if (wide) {
      writable.ucs2Write(url, at)
      if (body !== null) writable.ucs2Write(body, bodyAt)
      writable.ucs2Write(answer, bodyAt + bodyLength * 2)
    } else {
      writable.latin1Write(url, at)
      if (body !== null) writable.latin1Write(body, bodyAt)
      writable.latin1Write(answer, bodyAt + bodyLength)
    }

    const slot = (this.#oldest + this.#count++) % this.size
    this.#starts[slot] = start
    this.#end = alone ? start + this.maxBytes : start + room
    this.#bytes[slot] = room
    this.#urlLengths[slot] = url.length
    this.#bodyLengths[slot] = bodyLength
    this.#wide[slot] = wide ? 1 : 0
    const shared = slot * SHARED
    this.#shared[shared] = entry.method
    this.#shared[shared + 1] = entry.apiKeyId
    this.#shared[shared + 2] = entry.operationId
    this.#shared[shared + 3] = this.#headerText(entry.headers)
    const numbers = slot * NUMBERS
    this.#numbers[numbers] = this.#next++
    this.#numbers[numbers + 1] = entry.at
    this.#numbers[numbers + 2] = entry.status
    this.#numbers[numbers + 3] = entry.durationMs
  }

  #headerText (lines: readonly string[]): string {
    if (!sameLines(lines, this.#lastLines)) {
      this.#lastHeaders = headerText(lines)
      this.#lastLines = lines
    }
    return this.#lastHeaders
  }

  #recount (): void {
    const from = this.#count === 0 ? this.#end : this.#starts[this.#oldest]
    const lapStart = from - from % this.maxBytes
    for (let n = 0; n < this.#count; n++) this.#starts[(this.#oldest + n) % this.size] -= lapStart
    this.#end -= lapStart
  }

  #isAlone (slot: number): boolean { return this.#bytes[slot] > this.maxBytes }

  #drop (): void {
    if (this.#isAlone(this.#oldest)) this.#alone = undefined
    this.#oldest = (this.#oldest + 1) % this.size
    this.#count--
  }

  /** Newest first, in the contract's shape. */
  list (filter: JournalFilter): JournalEntry[] {
    this.#writeHeld()
    const found: JournalEntry[] = []
    for (let n = this.#count - 1; n >= 0; n--) {
      const slot = (this.#oldest + n) % this.size
      const [id, at, status, durationMs] = this.#numbers.subarray(slot * NUMBERS, (slot + 1) * NUMBERS)
      if (filter.status !== undefined && status !== filter.status) continue
      const [chunk, offset] = this.#isAlone(slot) ? [this.#alone!, 0] : [this.#ring!, this.#starts[slot] % this.maxBytes]
      const [method, apiKeyId, operationId, headers] = this.#shared.slice(slot * SHARED, (slot + 1) * SHARED) as [string, string | null, string | null, string]
      // The url, the body, then the answer.
      const text = chunk.toString(this.#wide[slot] === 1 ? 'utf16le' : 'latin1', offset, offset + this.#bytes[slot])
      const urlLength = this.#urlLengths[slot]
      const bodyLength = this.#bodyLengths[slot]
      const body = bodyLength > 0 ? text.slice(urlLength, urlLength + bodyLength) : null
      const [path, query = ''] = text.slice(0, urlLength).split('?', 2)
      if (filter.method !== undefined && method !== filter.method) continue
      if (filter.path !== undefined && !path.includes(filter.path)) continue
      if (filter.apiKeyId !== undefined && apiKeyId !== filter.apiKeyId) continue
      if (filter.operationId !== undefined && operationId !== filter.operationId) continue
      found.push({
        id,
        at: formatInstant(at),
        method,
        path,
        query,
        status,
        // To the microsecond: the timer's last digits are noise of its floating point.
        duration_ms: Math.round(durationMs * 1000) / 1000,
        api_key_id: apiKeyId,
        operation_id: operationId,
        request: { headers: headersOf(headers), body: body === null ? null : JSON.parse(body) as Record<string, unknown> },
        response: { body: parseOrWrap(text.slice(urlLength + bodyLength)) },
      })
    }
    return found
  }

  clear (): void {
    this.#heldCount = 0
    this.#held = new Array<unknown>(HELD * 2)
    this.#alone = undefined
    this.#shared.fill(null)
    this.#oldest = 0
    this.#count = 0
    this.#end = 0
  }
}

/** Buffer's writes of one encoding (see #write()), which Node's types do not declare. */
type EncodingWrites = Buffer & Record<'latin1Write' | 'ucs2Write', (text: string, offset: number) => number>

/** A body as the contract keeps it, an object: a JSON value that is not one is wrapped as {value}. */
const asObject = (value: unknown): Record<string, unknown> => isJsonObject(value) ? value : { value }

function parseOrWrap (text: string): Record<string, unknown> {
  try {
    return asObject(JSON.parse(text))
  } catch {
    return { text }
  }
}

// The header lines as one text, a line a name or a value (HTTP allows a line break in neither), with
// the caller's key masked and every other credential replaced. Building it costs a third of copying
// the parsed headers and serialising the copy (0.16 against 0.45 µs); a read at 100,000 keys gained 3%.
function headerText (lines: readonly string[]): string {
  let text = ''
  for (let i = 0; i < lines.length; i += 2) text += `${i === 0 ? '' : '\n'}${lines[i]}\n${kept(lines[i], lines[i + 1])}`
  return text
}

function sameLines (a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function kept (name: string, value: string): string {
  // By length first: most headers are none of these.
  switch (name.length) {
    case 17: return name.toLowerCase() === 'x-portkey-api-key' ? maskSecret(value) : value
    case 13: return name.toLowerCase() === 'authorization' ? REPLACED : value
    case 6: return name.toLowerCase() === 'cookie' ? REPLACED : value
    default: return value
  }
}

/** The headers of a header text, by lower-case name; a repeated header's values joined with ", ". */
function headersOf (text: string): Record<string, string> {
  const headers = new Map<string, string>()
  const lines = text === '' ? [] : text.split('\n')
  for (let i = 0; i < lines.length; i += 2) {
    const name = lines[i].toLowerCase()
    const before = headers.get(name)
    headers.set(name, before === undefined ? lines[i + 1] : `${before}, ${lines[i + 1]}`)
  }
  return Object.fromEntries(headers)
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
  // second hook (onResponse) a second pass through the hook runner. The request is held once the
  // answer has been handed on (done() writes it to the socket before it returns): entries copied
  // before left that write slower, and a read 2-4% slower (two apps of one process, two runs). Its
  // duration, read later (see hold()), includes the write. A client cannot see the answer before the
  // request is held: it reads it on a later turn of the event loop, and a list writes what is held
  // first.
  app.addHook('onSend', (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done) => {
    const at = app.clock.now()
    done(null, payload)
    journal.hold(at, reply, payload)
  })
}

/**
 * Whether a request reached one of the stand-in's own routes: not where a Portkey route noted its
 * operation (the own routes note none), else told by its path, or, where the router reads a path
 * otherwise than as written (`//__mock/requests`, `/%5F%5Fmock/requests`), by the route it reached,
 * which costs more to read.
 */
function isOwn (request: FastifyRequest): boolean {
  if (request.operationId !== null) return false
  const { url } = request
  if (isOwnRoute(url)) return true
  if (url.charCodeAt(1) !== SLASH && !url.includes('%')) return false
  return isOwnRoute(request.routeOptions.url)
}

/**
 * The operation a request reached: as its route's own hook noted it (src/platform/serve.ts), or,
 * where the request was refused before that hook ran, as Fastify's routeOptions name it. Those are
 * built afresh on every read, 0.17 µs of a key read in a running server (measured).
 */
const operationOf = (request: FastifyRequest): string | null =>
  request.operationId ?? (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? null

// Where Fastify keeps the headers it sends, found on the first reply; null if it keeps them
// otherwise. reply.getHeader() lower-cases the name on every call, and looking up the new text
// costs more: read this way, a key read's entry took ~550 fewer instructions (cachegrind).
let replyHeaders: symbol | null | undefined

/** The content-length Fastify counted for an answer, in bytes of UTF-8; NaN where it is not found. */
export function contentLengthOf (reply: FastifyReply): number {
  replyHeaders ??= Object.getOwnPropertySymbols(reply).find(key => key.description === 'fastify.reply.headers') ?? null
  const headers = replyHeaders === null ? undefined : (reply as unknown as Record<symbol, Record<string, unknown> | undefined>)[replyHeaders]
  return Number(headers?.['content-length'])
}

/** What the journal keeps of a request answered, read off Fastify's request and reply. */
function recorded (at: number, durationMs: number, reply: FastifyReply, payload: unknown): Recorded {
  const { request } = reply
  const operationId = operationOf(request)
  let answer = typeof payload === 'string' ? payload : ''
  // Fastify has counted the answer's bytes for its content-length by now. Where they are not found,
  // the entry is kept as UTF-16: whole, in twice the room.
  let answerBytes: number | undefined = contentLengthOf(reply)
  if (operationId !== null && ANSWER_SECRETS.has(operationId) && reply.statusCode === 200) {
    const parsed = parseOrWrap(answer)
    if (typeof parsed.key === 'string') parsed.key = maskSecret(parsed.key)
    answer = JSON.stringify(parsed)
    answerBytes = undefined
  }
  return {
    at,
    method: request.method,
    url: request.url,
    status: reply.statusCode,
    durationMs,
    apiKeyId: request.caller?.apiKeyId ?? null,
    operationId,
    headers: request.raw.rawHeaders,
    body: request.unparsedBody ?? request.body,
    answer,
    answerBytes,
  }
}
