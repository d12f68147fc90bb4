// Lifecycles against models: random sequences of steps, each answer checked against what a model
// of the store says, and after every step whether each secret ever answered still authenticates
// exactly when it should. What a single request cannot show: that the caches (authentication, the
// memos of what was read, src/db/until-written.ts) follow every write, every restore and the clock.
// Three models: API keys (creates, renames, expiries, rotations, deletes, clock moves), workspaces
// (creates, renames, members added, changed and removed, keys made in them, deletes with and without
// force_delete) and invites (sent, resent, accepted, their users removed, deleted, days passing);
// each with snapshots and restores.
//
// Seeded, so a run is the same every time; PORTKEY_MOCK_MODEL_RUNS and PORTKEY_MOCK_FUZZ_SEED widen it.
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { formatInstant } from '../src/time.js'
import { build, call, DEV, SEED, TestClock } from './helper.js'

const RUNS = Number(process.env.PORTKEY_MOCK_MODEL_RUNS ?? 100)
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

/** A model: what the store holds of one kind, and what the last snapshot held. */
interface Held<T> {
  items: T[]
  snapshot: T[] | undefined
}

type Model = Held<Key>

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
  for (const key of model.items) {
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
    model.items.push({ id: body.id, name: this.name, current: body.key, retired: [], expiresAt: this.expiresIn === null ? null : real.clock.ms + this.expiresIn, deleted: false })
    await checkSecrets(model, real)
  }

  toString (): string { return `create(${this.name}, ${this.expiresIn})` }
}

/** A step on the n-th thing the model holds, deleted or not. */
abstract class OnItem<T> implements fc.AsyncCommand<Held<T>, Real> {
  constructor (readonly n: number) {}
  check = (model: Readonly<Held<T>>) => model.items.length > 0
  item = (model: Held<T>) => model.items[this.n % model.items.length]
  abstract run (model: Held<T>, real: Real): Promise<void>
  abstract toString (): string
}

class Rename extends OnItem<Key> {
  constructor (n: number, readonly name: string) { super(n) }
  override async run (model: Model, real: Real) {
    const key = this.item(model)
    await expectStatus(real, { method: 'PUT', url: `/v1/api-keys/${key.id}`, payload: { name: this.name } }, live(key) ? 200 : 404, 'rename')
    if (live(key)) key.name = this.name
    await checkSecrets(model, real)
  }

  override toString (): string { return `rename(${this.n}, ${this.name})` }
}

class Expire extends OnItem<Key> {
  constructor (n: number, readonly expiresIn: number | null) { super(n) }
  override async run (model: Model, real: Real) {
    const key = this.item(model)
    const expiresAt = this.expiresIn === null ? null : real.clock.ms + this.expiresIn
    const payload = { expires_at: expiresAt === null ? null : formatInstant(expiresAt) }
    await expectStatus(real, { method: 'PUT', url: `/v1/api-keys/${key.id}`, payload }, live(key) ? 200 : 404, 'set expires_at')
    if (live(key)) key.expiresAt = expiresAt
    await checkSecrets(model, real)
  }

  override toString (): string { return `expire(${this.n}, ${this.expiresIn})` }
}

class Rotate extends OnItem<Key> {
  constructor (n: number, readonly transition: number) { super(n) }
  override async run (model: Model, real: Real) {
    const key = this.item(model)
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

class Delete extends OnItem<Key> {
  override async run (model: Model, real: Real) {
    const key = this.item(model)
    await expectStatus(real, { method: 'DELETE', url: `/v1/api-keys/${key.id}` }, live(key) ? 200 : 404, 'delete')
    key.deleted = true
    await checkSecrets(model, real)
  }

  override toString (): string { return `delete(${this.n})` }
}

class Read extends OnItem<Key> {
  override async run (model: Model, real: Real) {
    const key = this.item(model)
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
    for (const key of model.items) {
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

class Snapshot<T> implements fc.AsyncCommand<Held<T>, Real> {
  constructor (readonly copy: (items: T[]) => T[]) {}
  check = () => true
  async run (model: Held<T>, real: Real) {
    await call(real.app, undefined, { method: 'POST', url: '/__mock/snapshots/model' })
    model.snapshot = this.copy(model.items)
  }

  toString (): string { return 'snapshot' }
}

class Restore<T extends { id: string, deleted: boolean }> implements fc.AsyncCommand<Held<T>, Real> {
  constructor (
    readonly copy: (items: T[]) => T[],
    readonly checkSecrets: (model: Held<T>, real: Real) => Promise<void>,
    /** What a thing made since the snapshot is once the store has lost it, and all it brought. */
    readonly gone: (item: T) => T = item => ({ ...item, deleted: true })
  ) {}

  check = (model: Readonly<Held<T>>) => model.snapshot !== undefined
  async run (model: Held<T>, real: Real) {
    const { status } = await call(real.app, undefined, { method: 'POST', url: '/__mock/snapshots/model/restore' })
    if (status !== 200) throw new Error(`restore: ${status}`)
    // What was made since is gone from the store; the model keeps it, deleted, so that its secrets
    // are still tried.
    const kept = new Map(model.snapshot!.map(item => [item.id, item]))
    model.items = model.items.map(item => kept.get(item.id) ?? this.gone(item))
    model.snapshot = this.copy(model.snapshot!)
    await this.checkSecrets(model, real)
  }

  toString (): string { return 'restore' }
}

const names = fc.constantFrom('alpha', 'beta', 'gamma', 'delta')
const anyKey = fc.nat(20)
// Minutes to days: expiries and transitions end inside a run's clock moves.
const span = fc.oneof(fc.integer({ min: MINUTE, max: 3 * 24 * 60 * MINUTE }), fc.constant(MINUTE))
const steps = fc.commands([
  fc.tuple(names, fc.option(span, { nil: null })).map(([name, expiresIn]) => new Create(name, expiresIn)),
  fc.tuple(anyKey, names).map(([n, name]) => new Rename(n, name)),
  fc.tuple(anyKey, fc.option(span, { nil: null })).map(([n, expiresIn]) => new Expire(n, expiresIn)),
  fc.tuple(anyKey, fc.oneof(fc.integer({ min: 30 * MINUTE, max: 6 * 60 * MINUTE }), fc.constant(30 * MINUTE))).map(([n, ms]) => new Rotate(n, ms)),
  anyKey.map(n => new Delete(n)),
  anyKey.map(n => new Read(n)),
  fc.constant(new List()),
  // The shortest expiry and transition now and then, so that their last instants are met exactly.
  fc.oneof(fc.integer({ min: 0, max: 24 * 60 * MINUTE }), fc.constantFrom(MINUTE, 30 * MINUTE)).map(ms => new Advance(ms)),
  fc.constant(new Snapshot(copyKeys)),
  fc.constant(new Restore(copyKeys, checkSecrets)),
], { maxCommands: 40, size: 'max' })

interface WorkspaceKey { secret: string, deleted: boolean }

interface Workspace {
  id: string
  name: string
  /** Role by user id. */
  members: Map<string, string>
  keys: WorkspaceKey[]
  deleted: boolean
}

type Workspaces = Held<Workspace>

type WorkspaceStep = fc.AsyncCommand<Workspaces, Real>

const copyWorkspaces = (workspaces: Workspace[]): Workspace[] =>
  workspaces.map(ws => ({ ...ws, members: new Map(ws.members), keys: ws.keys.map(key => ({ ...key })) }))
const USERS = [SEED.users.alice.id, SEED.users.bob.id, SEED.users.carol.id]
const ROLES = ['admin', 'manager', 'member']

/** Each key made in a workspace authenticates exactly while it and its workspace stand. */
async function checkWorkspaceKeys (model: Workspaces, { app }: Real): Promise<void> {
  for (const ws of model.items) {
    for (const key of ws.keys) {
      const { status } = await call(app, key.secret, { url: '/v1/api-keys?page_size=1' })
      const expected = !ws.deleted && !key.deleted ? 200 : 401
      if (status !== expected) throw new Error(`a key of ${ws.name} answered ${status}, not ${expected}`)
    }
  }
}

class CreateWorkspace implements WorkspaceStep {
  constructor (readonly name: string, readonly users: string[]) {}
  check = () => true
  async run (model: Workspaces, real: Real) {
    const body = await expectStatus(real, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: this.name, users: this.users } }, 200, 'create a workspace')
    model.items.push({ id: body.id, name: this.name, members: new Map(this.users.map(id => [id, 'member'])), keys: [], deleted: false })
  }

  toString (): string { return `createWorkspace(${this.name}, ${this.users.length} users)` }
}

// A deleted workspace is a 403, as one the caller cannot reach.

class RenameWorkspace extends OnItem<Workspace> {
  constructor (n: number, readonly name: string) { super(n) }
  override async run (model: Workspaces, real: Real) {
    const ws = this.item(model)
    await expectStatus(real, { method: 'PUT', url: `/v1/admin/workspaces/${ws.id}`, payload: { name: this.name } }, ws.deleted ? 403 : 200, 'rename a workspace')
    if (!ws.deleted) ws.name = this.name
  }

  override toString (): string { return `renameWorkspace(${this.n}, ${this.name})` }
}

class AddMember extends OnItem<Workspace> {
  constructor (n: number, readonly user: string, readonly role: string) { super(n) }
  override async run (model: Workspaces, real: Real) {
    const ws = this.item(model)
    const expected = ws.deleted ? 403 : ws.members.has(this.user) ? 409 : 200
    await expectStatus(real, { method: 'POST', url: `/v1/admin/workspaces/${ws.id}/users`, payload: { users: [{ id: this.user, role: this.role }] } }, expected, 'add a member')
    if (expected === 200) ws.members.set(this.user, this.role)
  }

  override toString (): string { return `addMember(${this.n}, ${this.user.slice(0, 4)}, ${this.role})` }
}

class ChangeRole extends OnItem<Workspace> {
  constructor (n: number, readonly user: string, readonly role: string) { super(n) }
  override async run (model: Workspaces, real: Real) {
    const ws = this.item(model)
    const expected = ws.deleted ? 403 : ws.members.has(this.user) ? 200 : 404
    await expectStatus(real, { method: 'PUT', url: `/v1/admin/workspaces/${ws.id}/users/${this.user}`, payload: { role: this.role } }, expected, 'change a role')
    if (expected === 200) ws.members.set(this.user, this.role)
  }

  override toString (): string { return `changeRole(${this.n}, ${this.user.slice(0, 4)}, ${this.role})` }
}

class RemoveMember extends OnItem<Workspace> {
  constructor (n: number, readonly user: string) { super(n) }
  override async run (model: Workspaces, real: Real) {
    const ws = this.item(model)
    const expected = ws.deleted ? 403 : ws.members.has(this.user) ? 200 : 404
    await expectStatus(real, { method: 'DELETE', url: `/v1/admin/workspaces/${ws.id}/users/${this.user}` }, expected, 'remove a member')
    ws.members.delete(this.user)
  }

  override toString (): string { return `removeMember(${this.n}, ${this.user.slice(0, 4)})` }
}

class AddWorkspaceKey extends OnItem<Workspace> {
  override async run (model: Workspaces, real: Real) {
    const ws = this.item(model)
    const payload = { name: 'in a workspace', scopes: ['workspace_service_api_keys.list'], workspace_id: ws.id }
    const body = await expectStatus(real, { method: 'POST', url: '/v1/api-keys/workspace/service', payload }, ws.deleted ? 404 : 200, 'make a key in a workspace')
    if (!ws.deleted) ws.keys.push({ secret: body.key, deleted: false })
    await checkWorkspaceKeys(model, real)
  }

  override toString (): string { return `addWorkspaceKey(${this.n})` }
}

class DeleteWorkspace extends OnItem<Workspace> {
  constructor (n: number, readonly force: boolean) { super(n) }
  override async run (model: Workspaces, real: Real) {
    const ws = this.item(model)
    const dependents = ws.members.size + ws.keys.filter(key => !key.deleted).length
    const expected = ws.deleted ? 403 : dependents > 0 && !this.force ? 409 : 200
    await expectStatus(real, { method: 'DELETE', url: `/v1/admin/workspaces/${ws.id}${this.force ? '?force_delete=true' : ''}` }, expected, 'delete a workspace')
    if (expected === 200) ws.deleted = true
    await checkWorkspaceKeys(model, real)
  }

  override toString (): string { return `deleteWorkspace(${this.n}, ${this.force})` }
}

const membersOf = (users: { id: string, role: string }[]) => JSON.stringify(users.map(user => [user.id, user.role]).sort())
const modelMembers = (ws: Workspace) => JSON.stringify([...ws.members].sort())

class ReadWorkspace extends OnItem<Workspace> {
  override async run (model: Workspaces, real: Real) {
    const ws = this.item(model)
    const body = await expectStatus(real, { url: `/v1/admin/workspaces/${ws.id}` }, ws.deleted ? 403 : 200, 'read a workspace')
    if (ws.deleted) return
    if (body.name !== ws.name || membersOf(body.users) !== modelMembers(ws)) throw new Error(`read: ${body.name} ${membersOf(body.users)}, not ${ws.name} ${modelMembers(ws)}`)
    const listed = await expectStatus(real, { url: `/v1/admin/workspaces/${ws.id}/users?page_size=1000` }, 200, 'list members')
    if (listed.total !== ws.members.size || membersOf(listed.data) !== modelMembers(ws)) throw new Error(`members: ${membersOf(listed.data)}, not ${modelMembers(ws)}`)
  }

  override toString (): string { return `readWorkspace(${this.n})` }
}

class ListWorkspaces implements WorkspaceStep {
  check = () => true
  async run (model: Workspaces, real: Real) {
    const body = await expectStatus(real, { url: '/v1/admin/workspaces?page_size=1000' }, 200, 'list workspaces')
    const listed = new Map<string, string>(body.data.map((ws: { id: string, name: string }) => [ws.id, ws.name]))
    for (const ws of model.items) {
      if (!ws.deleted !== listed.has(ws.id)) throw new Error(`list: ${ws.name} is ${ws.deleted ? '' : 'not '}listed`)
      if (!ws.deleted && listed.get(ws.id) !== ws.name) throw new Error(`list: ${ws.name} reads ${listed.get(ws.id)}`)
    }
    if (body.total !== body.data.length) throw new Error(`list: total ${body.total} of ${body.data.length}`)
  }

  toString (): string { return 'listWorkspaces' }
}

const anyWorkspace = fc.nat(20)
const user = fc.constantFrom(...USERS)
const role = fc.constantFrom(...ROLES)
const workspaceSteps = fc.commands([
  fc.tuple(names, fc.subarray(USERS)).map(([name, users]) => new CreateWorkspace(name, users)),
  fc.tuple(anyWorkspace, names).map(([n, name]) => new RenameWorkspace(n, name)),
  fc.tuple(anyWorkspace, user, role).map(([n, id, r]) => new AddMember(n, id, r)),
  fc.tuple(anyWorkspace, user, role).map(([n, id, r]) => new ChangeRole(n, id, r)),
  fc.tuple(anyWorkspace, user).map(([n, id]) => new RemoveMember(n, id)),
  anyWorkspace.map(n => new AddWorkspaceKey(n)),
  fc.tuple(anyWorkspace, fc.boolean()).map(([n, force]) => new DeleteWorkspace(n, force)),
  anyWorkspace.map(n => new ReadWorkspace(n)),
  fc.constant(new ListWorkspaces()),
  fc.constant(new Snapshot(copyWorkspaces)),
  fc.constant(new Restore(copyWorkspaces, checkWorkspaceKeys)),
], { maxCommands: 40, size: 'max' })

interface Invite {
  id: string
  email: string
  workspaces: string[]
  expiresAt: number
  /** The user its acceptance made, and whether they were removed since; they outlive the invite. */
  user: { id: string, removed: boolean } | null
  deleted: boolean
}

type Invites = Held<Invite>
type InviteStep = fc.AsyncCommand<Invites, Real>

const DAY = 24 * 60 * MINUTE
const INVITE_LIFETIME = 7 * DAY
const EMAILS = ['ana@model.test', 'ben@model.test', 'cy@model.test']
const WORKSPACES = [SEED.workspaces.shared.id, SEED.workspaces.research.id]
const copyInvites = (invites: Invite[]): Invite[] => invites.map(invite => ({ ...invite, user: invite.user && { ...invite.user } }))
const inviteStatus = (invite: Invite, now: number) => invite.user !== null ? 'accepted' : invite.expiresAt <= now ? 'expired' : 'pending'
const userOf = (model: Invites, email: string) => model.items.find(invite => invite.email === email && invite.user !== null && !invite.user.removed)?.user

class InviteSomeone implements InviteStep {
  constructor (readonly email: string, readonly workspaces: string[]) {}
  check = () => true
  async run (model: Invites, real: Real) {
    const now = real.clock.ms
    const pending = model.items.some(invite => !invite.deleted && invite.email === this.email && inviteStatus(invite, now) === 'pending')
    const expected = userOf(model, this.email) !== undefined || pending ? 409 : 200
    const payload = { email: this.email, role: 'member', workspaces: this.workspaces.map(id => ({ id, role: 'member' })) }
    const body = await expectStatus(real, { method: 'POST', url: '/v1/admin/users/invites', payload }, expected, 'invite')
    if (expected === 200) model.items.push({ id: body.id, email: this.email, workspaces: this.workspaces, expiresAt: now + INVITE_LIFETIME, user: null, deleted: false })
  }

  toString (): string { return `invite(${this.email}, ${this.workspaces.length} workspaces)` }
}

class Resend extends OnItem<Invite> {
  override async run (model: Invites, real: Real) {
    const invite = this.item(model)
    const expected = invite.deleted ? 404 : inviteStatus(invite, real.clock.ms) === 'accepted' ? 409 : 200
    await expectStatus(real, { method: 'POST', url: `/v1/admin/users/invites/${invite.id}/resend` }, expected, 'resend')
    if (expected === 200) invite.expiresAt = real.clock.ms + INVITE_LIFETIME
  }

  override toString (): string { return `resend(${this.n})` }
}

class Accept extends OnItem<Invite> {
  override async run (model: Invites, real: Real) {
    const invite = this.item(model)
    const expected = invite.deleted ? 404 : inviteStatus(invite, real.clock.ms) !== 'pending' || userOf(model, invite.email) !== undefined ? 409 : 200
    const body = await expectStatus(real, { method: 'POST', url: `/__mock/invites/${invite.id}/accept` }, expected, 'accept')
    if (expected !== 200) return
    invite.user = { id: body.id, removed: false }
    const user = await expectStatus(real, { url: `/v1/admin/users/${body.id}` }, 200, 'read the new user')
    if (JSON.stringify([...user.workspace_ids].sort()) !== JSON.stringify([...invite.workspaces].sort())) throw new Error(`accept: the user is in ${user.workspace_ids}, not ${invite.workspaces}`)
  }

  override toString (): string { return `accept(${this.n})` }
}

class RemoveUser extends OnItem<Invite> {
  override async run (model: Invites, real: Real) {
    const { user } = this.item(model)
    if (user === null) return
    await expectStatus(real, { method: 'DELETE', url: `/v1/admin/users/${user.id}` }, user.removed ? 404 : 200, 'remove a user')
    user.removed = true
  }

  override toString (): string { return `removeUser(${this.n})` }
}

class DeleteInvite extends OnItem<Invite> {
  override async run (model: Invites, real: Real) {
    const invite = this.item(model)
    await expectStatus(real, { method: 'DELETE', url: `/v1/admin/users/invites/${invite.id}` }, invite.deleted ? 404 : 200, 'delete an invite')
    invite.deleted = true
  }

  override toString (): string { return `deleteInvite(${this.n})` }
}

class ReadInvite extends OnItem<Invite> {
  override async run (model: Invites, real: Real) {
    const invite = this.item(model)
    const body = await expectStatus(real, { url: `/v1/admin/users/invites/${invite.id}` }, invite.deleted ? 404 : 200, 'read an invite')
    const status = inviteStatus(invite, real.clock.ms)
    if (!invite.deleted && body.status !== status) throw new Error(`read: ${invite.email}'s invite is ${body.status}, not ${status}`)
  }

  override toString (): string { return `readInvite(${this.n})` }
}

class ListInvites implements InviteStep {
  constructor (readonly status: 'pending' | 'expired' | 'accepted') {}
  check = () => true
  async run (model: Invites, real: Real) {
    const body = await expectStatus(real, { url: `/v1/admin/users/invites?status=${this.status}&pageSize=1000` }, 200, 'list invites')
    const listed = new Set(body.data.map((invite: { id: string }) => invite.id))
    for (const invite of model.items) {
      const expected = !invite.deleted && inviteStatus(invite, real.clock.ms) === this.status
      if (listed.has(invite.id) !== expected) throw new Error(`list of ${this.status}: ${invite.email}'s invite is ${expected ? 'missing' : 'there'}`)
    }
  }

  toString (): string { return `listInvites(${this.status})` }
}

class AdvanceDays implements InviteStep {
  constructor (readonly ms: number) {}
  check = () => true
  async run (_model: Invites, real: Real) { real.clock.ms += this.ms }
  toString (): string { return `advance(${this.ms})` }
}

const noSecrets = async () => {}
const anyInvite = fc.nat(20)
const inviteSteps = fc.commands([
  fc.tuple(fc.constantFrom(...EMAILS), fc.subarray(WORKSPACES)).map(([email, workspaces]) => new InviteSomeone(email, workspaces)),
  anyInvite.map(n => new Resend(n)),
  anyInvite.map(n => new Accept(n)),
  anyInvite.map(n => new RemoveUser(n)),
  anyInvite.map(n => new DeleteInvite(n)),
  anyInvite.map(n => new ReadInvite(n)),
  fc.constantFrom('pending', 'expired', 'accepted').map(status => new ListInvites(status as 'pending')),
  // A whole lifetime now and then, so that an invite's last instant is met exactly.
  fc.oneof(fc.integer({ min: 0, max: 5 * DAY }), fc.constantFrom(DAY, INVITE_LIFETIME)).map(ms => new AdvanceDays(ms)),
  fc.constant(new Snapshot(copyInvites)),
  fc.constant(new Restore(copyInvites, noSecrets, invite => ({ ...invite, deleted: true, user: invite.user && { ...invite.user, removed: true } }))),
], { maxCommands: 40, size: 'max' })

/** Lifecycles of these steps, each from the seed at the same time; the first that fails, shrunk, is reported. */
async function runLifecycles<T> (t: Test, steps: fc.Arbitrary<Iterable<fc.AsyncCommand<Held<T>, Real>>>): Promise<void> {
  const clock = new TestClock(START)
  const app = await build(t, { clock })
  const property = fc.asyncProperty(steps, async commands => {
    await call(app, undefined, { method: 'POST', url: '/__mock/reset' })
    clock.ms = START
    await fc.asyncModelRun(() => ({ model: { items: [], snapshot: undefined }, real: { app, clock } }), commands)
  })
  const outcome = await fc.check(property, { numRuns: RUNS, seed: SEED_NUMBER })
  t.notOk(outcome.failed, outcome.failed ? `${String(outcome.errorInstance)}\n${fc.defaultReportMessage(outcome)}` : `${outcome.numRuns} lifecycles`)
}

t.test('random lifecycles of API keys answer as the model says, and every secret authenticates exactly when it should', async t => {
  await runLifecycles(t, steps)
})

t.test('random lifecycles of workspaces answer as the model says: names, members, lists, and the keys made in them', async t => {
  await runLifecycles(t, workspaceSteps)
})

t.test('random lifecycles of invites answer as the model says: pending, expired by the clock, resent, accepted into users and their workspaces', async t => {
  await runLifecycles(t, inviteSteps)
})
