// The package's programmatic entry: a stand-in started inside a test process, and its controls as
// plain method calls, so that a Node test suite needs no HTTP of its own to drive it.
import { isDate } from 'node:util/types'
import type { Static } from '@sinclair/typebox'
import { buildApp } from './app.js'
import { isJsonObject } from './body.js'
import { defaultConfig, type Config } from './config.js'
import { badRequest, PortkeyError, validationMessage } from './errors.js'
import { listenOn } from './http.js'
import { addFault, deleteFault, deleteSnapshot, listRequests, restoreSnapshot, setClock, takeSnapshot } from './schemas/generated.js'
import type { ApiKeyObject, ApiKeyType, ErrorResponse, FixtureOrganisation, JournalEntry, MockApiKeyStatus, MockClockChange, MockFault, MockFaultRule, MockSnapshot, MockTenant } from './schemas/generated.js'
import { formatInstant } from './time.js'
import { checkedInput } from './validation.js'

export { ConfigError } from './config.js'
export { PortkeyError } from './errors.js'
export { FixtureError } from './fixtures/error.js'
export type { ApiKeyObject, ApiKeyType, FixtureOrganisation, JournalEntry, MockApiKeyStatus, MockFault, MockFaultRule, MockSnapshot, MockTenant }

const FILTERS = ['method', 'path', 'status', 'api_key_id', 'operation_id'] as const
/** What `requests.list()` filters by: the query parameters of GET /__mock/requests, but its paging. */
export type RequestsFilter = Partial<Pick<Static<typeof listRequests.schema.querystring>, typeof FILTERS[number]>>

export interface MockServerOptions {
  /** A fixture file (YAML or JSON) to load instead of the built-in store. */
  seed?: string
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
  /** A SQLite file; in memory by default. */
  db?: string
  /** Reproducible ids and secrets, and a clock frozen at 2026-01-01T00:00:00Z; a number seeds them. */
  deterministic?: boolean | number
  /** Bearer token the /__mock routes then need over HTTP (this API does not). */
  adminToken?: string
  /** `silent` by default: a test's output is its own. */
  logLevel?: Config['logLevel']
  /** Requests the journal keeps (1000 by default); 0 keeps none. */
  journalSize?: number
}

// Every option, so that a misspelt one (`sed`, `journal_size`) is refused, not a server started
// unlike the one asked for.
const OPTIONS: Record<keyof MockServerOptions, true> = { seed: true, port: true, host: true, db: true, deterministic: true, adminToken: true, logLevel: true, journalSize: true }

/** A key of the seed, with the secret that authenticates it. */
export interface SeedKey {
  id: string
  name: string
  type: ApiKeyType
  organisation_id: string
  workspace_id: string | null
  user_id: string | null
  /** For x-portkey-api-key. */
  key: string
}

/**
 * A stand-in started in this process. Its controls refuse what their /__mock routes refuse, throwing
 * a PortkeyError with the message, `statusCode` and `errorCode` the route would answer, and then
 * change nothing.
 */
export interface MockServer {
  /** Where it listens, e.g. http://127.0.0.1:41234. */
  url: string
  /** What the Portkey SDKs take as baseURL: url + /v1. */
  baseURL: string
  /** The seed's keys that authenticate, with their secrets. */
  keys: SeedKey[]
  /** Back to the seed. */
  reset(): void
  snapshot(name: string): MockSnapshot
  restore(name: string): MockSnapshot
  /** The most recently taken first. */
  listSnapshots(): MockSnapshot[]
  /** A snapshot dropped, and the memory it held with it. */
  deleteSnapshot(name: string): void
  /** A fresh organisation (from one organisation of a fixture, or the default one); its ids and secrets. */
  createOrganisation(fixture?: FixtureOrganisation): Promise<MockTenant>
  /** An organisation and everything in it removed; its keys stop at once. */
  deleteOrganisation(id: string): Promise<void>
  /** A key's budget spent (`exhausted`) or given back (`active`); answers the key as it now reads. */
  setApiKeyStatus(id: string, status: MockApiKeyStatus['status']): Promise<ApiKeyObject>
  clock: {
    now(): string
    /** Time stands still at this date-time. */
    set(at: string | Date): void
    advance(ms: number): void
    freeze(): void
    real(): void
  }
  /** Rules as they stand when answered, with how often each matched and fired: copies, as the routes' are. */
  faults: {
    add(rule: MockFaultRule): MockFault
    list(): MockFault[]
    /** One rule, by the id add() answered; it is answered as it stood. */
    remove(id: number): MockFault
    clear(): void
  }
  requests: {
    /** Newest first, all of them (no paging). */
    list(filter?: RequestsFilter): JournalEntry[]
    clear(): void
  }
  close(): Promise<void>
}

export async function startMockServer (options: MockServerOptions = {}): Promise<MockServer> {
  const { deterministic = false } = options
  const config = defaultConfig({
    logLevel: options.logLevel ?? 'silent',
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    db: options.db ?? ':memory:',
    seed: options.seed ?? '',
    adminToken: options.adminToken ?? '',
    journalSize: options.journalSize,
    deterministic: deterministic !== false,
    deterministicSeed: typeof deterministic === 'number' ? deterministic : 0,
  }, key => key === 'deterministicSeed' ? 'deterministic' : key, optionProblems(options))
  const app = buildApp(config)
  let url: string
  try {
    url = await listenOn(app, config.host, config.port, 'port: 0')
  } catch (error) {
    // Closed, so that the store (and a file's lock) is let go for the caller's next try.
    await app.close()
    throw error
  }
  const changeClock = (change: MockClockChange) => { app.clock.change(checkedInput(setClock, 'body', change)) }
  // Through the route, so that what is given is checked exactly as over HTTP; refused, it throws what
  // the route answered.
  const throughRoute = async <T>(method: 'POST' | 'DELETE', url: string, payload?: object): Promise<T> => {
    // After close(), as the other store controls say, where the app would refuse to be started again.
    app.store.mustBeOpen()
    const response = await app.inject({ method, url, headers: adminHeaders(config), ...(payload ? { payload } : {}) })
    if (response.statusCode !== 200) {
      const { data } = response.json<ErrorResponse>()
      throw new PortkeyError(response.statusCode, data.errorCode, data.message)
    }
    return response.json<T>()
  }
  const keys = app.store.workingSeedKeys(app.clock.now()).map(({ key, secret }) => ({ id: key.id, name: key.name, type: key.type, organisation_id: key.organisation_id, workspace_id: key.workspace_id, user_id: key.user_id, key: secret }))
  return {
    url,
    baseURL: `${url}/v1`,
    keys,
    reset: () => { app.store.reset() },
    snapshot: name => app.snapshots.take(checkedInput(takeSnapshot, 'params', { name }).name),
    restore: name => app.snapshots.restore(checkedInput(restoreSnapshot, 'params', { name }).name),
    listSnapshots: () => app.snapshots.list(),
    deleteSnapshot: name => { app.snapshots.delete(checkedInput(deleteSnapshot, 'params', { name }).name) },
    createOrganisation: async fixture => await throughRoute<MockTenant>('POST', '/__mock/organisations', fixture),
    deleteOrganisation: async id => { await throughRoute('DELETE', `/__mock/organisations/${encodeURIComponent(id)}`) },
    setApiKeyStatus: async (id, status) => await throughRoute<ApiKeyObject>('POST', `/__mock/api-keys/${encodeURIComponent(id)}/status`, { status }),
    clock: {
      now: () => formatInstant(app.clock.now()),
      // Anything but a valid Date (an invalid one, a number JavaScript let through) as its text, for
      // the check to name it. isDate(), not instanceof: a Date of a test runner's own realm (Jest's
      // vm contexts) is a Date too.
      set: at => { changeClock({ set: isDate(at) && !Number.isNaN(at.getTime()) ? at.toISOString() : String(at) }) },
      advance: ms => { changeClock({ advance_ms: ms }) },
      freeze: () => { app.clock.freeze() },
      real: () => { app.clock.real() },
    },
    faults: {
      // Copies both ways, as the routes' JSON is: the rule kept is not the caller's object, which it
      // may change later, and what is answered is the rule as it stands, not the one kept.
      add: rule => structuredClone(app.faults.add(checkedInput(addFault, 'body', { ...rule, ...isJsonObject(rule.headers) ? { headers: { ...rule.headers } } : {} }))),
      list: () => structuredClone(app.faults.list()),
      remove: id => app.faults.remove(checkedInput(deleteFault, 'params', { id }).id),
      clear: () => { app.faults.clear() },
    },
    requests: {
      list: (filter = {}) => {
        const { method, path, status, api_key_id: apiKeyId, operation_id: operationId } = checkedFilter(filter)
        return app.journal.list({ method, path, status, apiKeyId, operationId })
      },
      clear: () => { app.journal.clear() },
    },
    close: () => app.close(),
  }
}

// What the settings' own check cannot see: a name that is no option, and the one option whose type
// is not a setting's.
function optionProblems (options: MockServerOptions): string[] {
  const names = Object.keys(OPTIONS)
  const problems = Object.keys(options).filter(name => !names.includes(name)).map(name => `${name}: not an option (${names.join(', ')})`)
  const { deterministic } = options
  if (deterministic !== undefined && typeof deterministic !== 'boolean' && typeof deterministic !== 'number') problems.push('deterministic: must be boolean or integer')
  return problems
}

const adminHeaders = (config: Config) => config.adminToken === '' ? {} : { authorization: `Bearer ${config.adminToken}` }

// A filter checked as the route checks its query; the route's paging is refused too, as a name it
// does not list is, since list() answers every entry.
function checkedFilter (filter: RequestsFilter): RequestsFilter {
  const unknown = Object.keys(filter).find(name => !(FILTERS as readonly string[]).includes(name))
  if (unknown !== undefined) {
    const parentSchema = { properties: Object.fromEntries(FILTERS.map(name => [name, {}])) }
    const error = { instancePath: '', schemaPath: '', keyword: 'additionalProperties', params: { additionalProperty: unknown }, parentSchema }
    throw badRequest(validationMessage([error], 'querystring'))
  }
  return checkedInput(listRequests, 'querystring', { ...filter })
}
