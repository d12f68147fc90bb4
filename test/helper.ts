import type { ChildProcess } from 'node:child_process'
import type { Database, Statement } from 'better-sqlite3'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { Portkey } from 'portkey-ai'
import type { Test } from 'tap'
import { buildApp, type AppOptions } from '../src/app.js'
import type { Clock } from '../src/clock.js'
import { openImage } from '../src/db/open.js'
import { defaultConfig, type Config } from '../src/config.js'
import { FAULT_HEADER } from '../src/faults.js'
import { newApiKey, type ApiKey } from '../src/resources/api-keys/model.js'
import { SEED } from './seed.js'
import { hashSecret, maskSecret } from '../src/secrets.js'
import { loadContract } from './contract.js'

export { SEED }

const defaults = defaultConfig()
/** The seeded dev secrets. */
export const DEV = { admin: defaults.adminApiKey, workspace: defaults.workspaceApiKey, user: defaults.userApiKey }

export const contract = await loadContract()

/** A clock that stands still until a test moves it. */
export class TestClock implements Clock {
  constructor (public ms: number) {}
  now (): number { return this.ms }
}

export interface BuildOptions extends AppOptions {
  config?: Partial<Config>
}

// A fresh app on a fresh in-memory store, closed when the test ends. Every response it sends is
// checked against openapi/openapi.yaml: one that breaks the contract becomes a 500 whose body says
// how, so no test can pass on an off-contract answer.
export async function build (t: Test, { config, ...options }: BuildOptions = {}): Promise<FastifyInstance> {
  const app = buildApp(defaultConfig({ logLevel: 'silent', ...config }), options)
  app.addHook('onSend', async (request, reply, payload) => {
    const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId
    const body = typeof payload === 'string' ? payload : String(payload)
    // An answer injected by /__mock/faults may be any status on any route; it must still be Portkey's
    // envelope, which is exactly what getHealth's 400 declares (ErrorResponse).
    const violations = reply.hasHeader(FAULT_HEADER)
      ? contract.violations('getHealth', 400, reply.getHeader('content-type'), body)
      : contract.violations(operationId, reply.statusCode, reply.getHeader('content-type'), body)
    if (violations.length === 0) return payload
    const status = reply.statusCode
    reply.code(500)
    return JSON.stringify({ contract_violation: violations, status, body })
  })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** A fixture's organisation, made a tenant of a fresh app (the same planning as --seed, no file). */
export async function tenantFrom (t: Test, fixture: object) {
  const app = await build(t)
  const { status, body } = await call(app, undefined, { method: 'POST', url: '/__mock/organisations', payload: fixture })
  t.equal(status, 200)
  return { app, tenant: body }
}

/** app.inject as a client with this secret would send it. */
export async function call (app: FastifyInstance, secret: string | undefined, options: InjectOptions & { url: string }) {
  const response = await app.inject({
    method: 'GET',
    ...options,
    headers: { ...(secret === undefined ? {} : { 'x-portkey-api-key': secret }), ...options.headers },
  })
  return { status: response.statusCode, body: response.json(), headers: response.headers }
}

/** Listens on a free loopback port; returns the base URL. */
export async function listen (app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 })
}

/** The real Portkey Node SDK, pointed at the stand-in as a user would point it. */
export const sdk = (baseURL: string, apiKey: string) => new Portkey({ apiKey, baseURL: `${baseURL}/v1` })

let counter = 0
/** Stores one more key with a known secret, for tests that need a caller or a target of their own. */
export function addKey (app: FastifyInstance, key: Partial<ApiKey> & Pick<ApiKey, 'type'>, secret = `test-secret-${++counter}-${Date.now()}`) {
  const workspaceId = key.type === 'organisation-service' ? null : SEED.workspaces.shared.id
  const id = key.id ?? crypto.randomUUID()
  const stored = newApiKey({
    id,
    organisation_id: SEED.organisation.id,
    workspace_id: workspaceId,
    user_id: key.type === 'workspace-user' ? SEED.users.bob.id : null,
    name: `test key ${counter}`,
    masked_key: maskSecret(secret),
    scopes: [],
    created_at: app.clock.now(),
    ...key,
  })
  app.store.apiKeys.insert(stored, hashSecret(secret))
  return { id, secret, key: stored }
}

// The dump's statements, prepared once per connection (a restore opens a new one): the property
// tests dump the store before every request, and preparing was most of a dump's cost.
const dumps = new WeakMap<Database, Array<[string, Statement]>>()

/** Every row of every table, as one string: what a refused request must leave as it was. */
export function storeContents (app: FastifyInstance): string {
  return contentsOf(app.store.db)
}

/**
 * Whether the store still holds what an image of it (Store.image()) held: byte for byte, which is
 * cheap, or else row for row (a write rolled back may leave pages moved, and their contents alike).
 */
export function storeHolds (app: FastifyInstance, image: Buffer): boolean {
  if (app.store.image().equals(image)) return true
  const then = openImage(image)
  try {
    return contentsOf(app.store.db) === contentsOf(then)
  } finally {
    then.close()
  }
}

function contentsOf (db: Database): string {
  let tables = dumps.get(db)
  if (!tables) {
    tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[])
      .map(table => [table, db.prepare(`SELECT * FROM "${table}" ORDER BY 1`).raw()])
    dumps.set(db, tables)
  }
  return JSON.stringify(tables.map(([table, rows]) => [table, rows.all()]))
}

/**
 * What every list answers an organisation's admin, byte for byte: what reset and restore must give
 * back. The key list must be a 200: a secret refused everywhere would make a comparison that cannot
 * fail (the workspace's members may be a refusal, after a test deletes the workspace).
 */
export async function answersOf (app: FastifyInstance, secret = DEV.admin, workspaceId: string = SEED.workspaces.research.id): Promise<string[]> {
  const answers = []
  for (const url of ['/api-keys?page_size=1000', '/admin/workspaces', '/admin/users', '/admin/users/invites', '/configs', `/admin/workspaces/${workspaceId}/users`]) {
    const { statusCode, body } = await app.inject({ url, headers: { 'x-portkey-api-key': secret } })
    if (answers.length === 0 && statusCode !== 200) throw new Error(`${url} answered ${statusCode}, not a list: ${body}`)
    answers.push(body)
  }
  return answers
}

/** The URL a started server's banner gives (`listening on …`); fails if the process exits first. */
export function listeningUrl (child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const listening = /listening on (http:\/\/\S+)/.exec(stdout)
      if (listening) resolve(listening[1])
    })
    child.on('exit', code => reject(new Error(`the server exited (${code}) before it listened`)))
  })
}
