// The API keys' lifecycle against a model of it: random sequences of creates, renames, expiries,
// rotations, deletes, clock moves, snapshots and restores, each answer checked against what the
// model says, and after every step whether each secret ever answered still authenticates exactly
// when it should. What a single request cannot show: that the caches (authentication, the memos
// of what was read) follow every write, every restore and the clock.
//
// Seeded, so a run is the same every time; PORTKEY_MOCK_MODEL_RUNS and PORTKEY_MOCK_FUZZ_SEED widen it.
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { formatInstant } from '../src/time.js'
import { build, call, DEV, TestClock } from './helper.js'

const RUNS = Number(process.env.PORTKEY_MOCK_MODEL_RUNS ?? 200)
const SEED_NUMBER = Number(process.env.PORTKEY_MOCK_FUZZ_SEED ?? 20261206)
const START = Date.parse('2026-03-10T12:00:00.000Z')
const MINUTE = 60_000
const SCOPES = ['organisation_service_api_keys.list']

interface Key {
  id: string
  name: string
  current: string
  /** Secrets of earlier rotations, each authenticating until its transition ends. */
  retired: { secret: string, until: number }[]
  expiresAt: number | null
  deleted: boolean
}

interface Model {
  keys: Key[]
  snapshot: Key[] | undefined
}

interface Real {
  app: FastifyInstance
  clock: TestClock
}

const copyKeys = (keys: Key[]): Key[] => keys.map(key => ({ ...key, retired: key.retired.map(r => ({ ...r })) }))
const live = (key: Key) => !key.deleted
const expired = (key: Key, now: number) => key.expiresAt !== null && key.expiresAt <= now
const authenticates = (key: Key, secret: string, now: number) =>
  live(key) && !expired(key, now) && (secret === key.current || key.retired.some(r => r.secret === secret && r.until > now))

type Step = fc.AsyncCommand<Model, Real>

/** Each secret the model knows, sent once: it must authenticate exactly when the model says. */
async function checkSecrets (model: Model, { app, clock }: Real): Promise<void> {
  for (const key of model.keys) {
    for (const secret of [key.current, ...key.retired.map(r => r.secret)]) {
      const { status } = await call(app, secret, { url: '/v1/api-keys?page_size=1' })
      const expected = authenticates(key, secret, clock.ms) ? 200 : 401
      if (status !== expected) throw new Error(`the secret ${secret.slice(0, 4)}… of ${key.name} answered ${status}, not ${expected}, at ${formatInstant(clock.ms)}`)
    }
  }
}

async function expectStatus (real: Real, request: Parameters<typeof call>[2], expected: number, what: string) {
  const answer = await call(real.app, DEV.admin, request)
  if (answer.status !== expected) throw new Error(`${what}: ${answer.status}, not ${expected}: ${JSON.stringify(answer.body).slice(0, 300)}`)
  return answer.body
}

class Create implements Step {
  constructor (readonly name: string, readonly expiresIn: number | null) {}
  check = () => true
  async run (model: Model, real: Real) {
    const payload = { name: this.name, scopes: SCOPES, ...(this.expiresIn === null ? {} : { expires_at: formatInstant(real.clock.ms + this.expiresIn) }) }
    const body = await expectStatus(real, { method: 'POST', url: '/v1/api-keys/organisation/service', payload }, 200, 'create')
    model.keys.push({ id: body.id, name: this.name, current: body.key, retired: [], expiresAt: this.expiresIn === null ? null : real.clock.ms + this.expiresIn, deleted: false })
    await checkSecrets(model, real)
  }

  toString (): string { return `create(${this.name}, ${this.expiresIn})` }
}

/** A step on the n-th key the model holds, deleted or not. */
abstract class OnKey implements Step {
  constructor (readonly n: number) {}
  check = (model: Readonly<Model>) => model.keys.length > 0
  key = (model: Model) => model.keys[this.n % model.keys.length]
  abstract run (model: Model, real: Real): Promise<void>
  abstract toString (): string
}

class Rename extends OnKey {
  constructor (n: number, readonly name: string) { super(n) }
  override async run (model: Model, real: Real) {
    const key = this.key(model)
    await expectStatus(real, { method: 'PUT', url: `/v1/api-keys/${key.id}`, payload: { name: this.name } }, live(key) ? 200 : 404, 'rename')
    if (live(key)) key.name = this.name
    await checkSecrets(model, real)
  }

  override toString (): string { return `rename(${this.n}, ${this.name})` }
}

class Expire extends OnKey {
  constructor (n: number, readonly expiresIn: number | null) { super(n) }
  override async run (model: Model, real: Real) {
    const key = this.key(model)
    const expiresAt = this.expiresIn === null ? null : real.clock.ms + this.expiresIn
    const payload = { expires_at: expiresAt === null ? null : formatInstant(expiresAt) }
    await expectStatus(real, { method: 'PUT', url: `/v1/api-keys/${key.id}`, payload }, live(key) ? 200 : 404, 'set expires_at')
    if (live(key)) key.expiresAt = expiresAt
    await checkSecrets(model, real)
  }

  override toString (): string { return `expire(${this.n}, ${this.expiresIn})` }
}

class Rotate extends OnKey {
  constructor (n: number, readonly transition: number) { super(n) }
  override async run (model: Model, real: Real) {
    const key = this.key(model)
    const now = real.clock.ms
    const underway = key.retired.some(r => r.until > now)
    const expected = !live(key) ? 404 : underway ? 409 : 200
    const body = await expectStatus(real, { method: 'POST', url: `/v1/api-keys/${key.id}/rotate`, payload: { key_transition_period_ms: this.transition } }, expected, 'rotate')
    if (expected === 200) {
      if (body.key_transition_expires_at !== formatInstant(now + this.transition)) throw new Error(`rotate: the transition ends ${body.key_transition_expires_at}`)
      key.retired.push({ secret: key.current, until: now + this.transition })
      key.current = body.key
    }
    await checkSecrets(model, real)
  }

  override toString (): string { return `rotate(${this.n}, ${this.transition})` }
}

class Delete extends OnKey {
  override async run (model: Model, real: Real) {
    const key = this.key(model)
    await expectStatus(real, { method: 'DELETE', url: `/v1/api-keys/${key.id}` }, live(key) ? 200 : 404, 'delete')
    key.deleted = true
    await checkSecrets(model, real)
  }

  override toString (): string { return `delete(${this.n})` }
}

class Read extends OnKey {
  override async run (model: Model, real: Real) {
    const key = this.key(model)
    const body = await expectStatus(real, { url: `/v1/api-keys/${key.id}` }, live(key) ? 200 : 404, 'retrieve')
    if (!live(key)) return
    const status = expired(key, real.clock.ms) ? 'expired' : 'active'
    const expiresAt = key.expiresAt === null ? null : formatInstant(key.expiresAt)
    if (body.name !== key.name || body.status !== status || body.expires_at !== expiresAt) {
      throw new Error(`retrieve: ${JSON.stringify([body.name, body.status, body.expires_at])}, not ${JSON.stringify([key.name, status, expiresAt])}`)
    }
  }

  override toString (): string { return `read(${this.n})` }
}

class List implements Step {
  check = () => true
  async run (model: Model, real: Real) {
    const body = await expectStatus(real, { url: '/v1/api-keys?page_size=1000' }, 200, 'list')
    const listed = new Map<string, { name: string, status: string }>(body.data.map((key: { id: string, name: string, status: string }) => [key.id, key]))
    for (const key of model.keys) {
      const found = listed.get(key.id)
      if (live(key) !== (found !== undefined)) throw new Error(`list: ${key.name} is ${found ? '' : 'not '}listed`)
      if (found && (found.name !== key.name || found.status !== (expired(key, real.clock.ms) ? 'expired' : 'active'))) throw new Error(`list: ${key.name} reads ${JSON.stringify(found)}`)
    }
  }

  toString (): string { return 'list' }
}

class Advance implements Step {
  constructor (readonly ms: number) {}
  check = () => true
  async run (model: Model, real: Real) {
    real.clock.ms += this.ms
    await checkSecrets(model, real)
  }

  toString (): string { return `advance(${this.ms})` }
}

class Snapshot implements Step {
  check = () => true
  async run (model: Model, real: Real) {
    await call(real.app, undefined, { method: 'POST', url: '/__mock/snapshots/model' })
    model.snapshot = copyKeys(model.keys)
  }

  toString (): string { return 'snapshot' }
}

class Restore implements Step {
  check = (model: Readonly<Model>) => model.snapshot !== undefined
  async run (model: Model, real: Real) {
    const { status } = await call(real.app, undefined, { method: 'POST', url: '/__mock/snapshots/model/restore' })
    if (status !== 200) throw new Error(`restore: ${status}`)
    // Keys made since are gone from the store; the model keeps them, deleted, so that their secrets
    // are still tried.
    const kept = new Map(model.snapshot!.map(key => [key.id, key]))
    model.keys = model.keys.map(key => kept.get(key.id) ?? { ...key, deleted: true })
    model.snapshot = copyKeys(model.snapshot!)
    await checkSecrets(model, real)
  }

  toString (): string { return 'restore' }
}

const names = fc.constantFrom('alpha', 'beta', 'gamma', 'delta')
const anyKey = fc.nat(20)
// Minutes to days: expiries and transitions end inside a run's clock moves.
const span = fc.integer({ min: MINUTE, max: 3 * 24 * 60 * MINUTE })
const steps = fc.commands([
  fc.tuple(names, fc.option(span, { nil: null })).map(([name, expiresIn]) => new Create(name, expiresIn)),
  fc.tuple(anyKey, names).map(([n, name]) => new Rename(n, name)),
  fc.tuple(anyKey, fc.option(span, { nil: null })).map(([n, expiresIn]) => new Expire(n, expiresIn)),
  fc.tuple(anyKey, fc.integer({ min: 30 * MINUTE, max: 6 * 60 * MINUTE })).map(([n, ms]) => new Rotate(n, ms)),
  anyKey.map(n => new Delete(n)),
  anyKey.map(n => new Read(n)),
  fc.constant(new List()),
  fc.integer({ min: 0, max: 24 * 60 * MINUTE }).map(ms => new Advance(ms)),
  fc.constant(new Snapshot()),
  fc.constant(new Restore()),
], { maxCommands: 40, size: 'max' })

t.test('random lifecycles of API keys answer as the model says, and every secret authenticates exactly when it should', async t => {
  const clock = new TestClock(START)
  const app = await build(t, { clock })
  const property = fc.asyncProperty(steps, async commands => {
    await call(app, undefined, { method: 'POST', url: '/__mock/reset' })
    clock.ms = START
    await fc.asyncModelRun(() => ({ model: { keys: [], snapshot: undefined }, real: { app, clock } }), commands)
  })
  const outcome = await fc.check(property, { numRuns: RUNS, seed: SEED_NUMBER })
  t.notOk(outcome.failed, outcome.failed ? `${String(outcome.errorInstance)}\n${fc.defaultReportMessage(outcome)}` : `${outcome.numRuns} lifecycles`)
})
