import t, { type Test } from 'tap'
import fc from 'fast-check'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { migrate, openDatabase } from '../src/db/open.js'
import { paged } from '../src/db/paged.js'
import { parseColumn } from '../src/db/table.js'
import { ApiKeyRepository, PAGE_STATEMENTS } from '../src/resources/api-keys/repository.js'
import { MemberRepository } from '../src/resources/workspace-members/repository.js'
import { hashSecret } from '../src/secrets.js'
import { addKey, build, call, DEV, SEED } from './helper.js'

t.test('a file database keeps every key across a restart', async t => {
  const db = join(t.testdir(), 'store.db')
  const first = await build(t, { config: { db } })
  const added = Array.from({ length: 25 }, () => addKey(first, { type: 'workspace-service' }))
  const before = (await call(first, DEV.admin, { url: '/api-keys?page_size=1000' })).body
  await first.close()

  const second = await build(t, { config: { db } })
  const after = (await call(second, DEV.admin, { url: '/api-keys?page_size=1000' })).body
  t.same(after, before)
  t.equal(after.total, 35)
  for (const { secret } of added.slice(0, 3)) {
    const { status } = await call(second, secret, { url: '/api-keys' })
    t.equal(status, 403, 'its secret still authenticates (and lacks the scope)')
  }
  t.equal(second.store.db.pragma('journal_mode', { simple: true }), 'wal')
})

t.test('a file database is seeded once: later starts keep their keys, whatever the dev secrets', async t => {
  const db = join(t.testdir(), 'store.db')
  const first = await build(t, { config: { db, adminApiKey: 'first-admin-secret' } })
  await first.close()
  const second = await build(t, { config: { db } })
  t.equal((await call(second, 'first-admin-secret', { url: '/api-keys' })).status, 200)
  t.equal((await call(second, DEV.admin, { url: '/api-keys' })).status, 401)
})

t.test('migrations are tracked in user_version, applied once, and a newer database is refused', async t => {
  const path = join(t.testdir(), 'm.db')
  const db = openDatabase(path)
  const version = db.pragma('user_version', { simple: true })
  t.ok(Number(version) >= 1)
  migrate(db) // a second run changes nothing and does not fail on existing tables
  t.equal(db.pragma('user_version', { simple: true }), version)
  db.pragma(`user_version = ${Number(version) + 1}`)
  db.close()
  t.throws(() => openDatabase(path), /newer than this portkey-mock knows/)
})

t.test('a store just migrated enforces its references again: a deleted key\'s retired secrets go with it', async t => {
  const db = join(t.testdir(), 'fresh.db')
  const app = await build(t, { config: { db } })
  t.equal(app.store.db.pragma('foreign_keys', { simple: true }), 1, 'on, after the migrations turned them off')
  const { id } = addKey(app, { type: 'workspace-service' })
  t.equal((await call(app, DEV.admin, { method: 'POST', url: `/api-keys/${id}/rotate` })).status, 200)
  const retired = () => app.store.db.prepare('SELECT count(*) FROM api_key_retired_secrets WHERE api_key_id = ?').pluck().get(id)
  t.equal(retired(), 1)
  t.equal((await call(app, DEV.admin, { method: 'DELETE', url: `/api-keys/${id}` })).status, 200)
  t.equal(retired(), 0)
})

t.test('migrations are checked as they are applied: numbered without gaps, none breaking a reference, a failed one leaving no trace', async t => {
  const directory = (name: string, files: Record<string, string>) => {
    const path = join(t.testdir(), name)
    mkdirSync(path)
    for (const [file, sql] of Object.entries(files)) writeFileSync(join(path, file), sql)
    return path
  }
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  const gap = directory('gap', { '001.do.one.sql': 'CREATE TABLE one (x);', '003.do.three.sql': 'CREATE TABLE three (x);' })
  t.throws(() => { migrate(db, gap) }, /^migrations must be numbered 001, 002, \.\.\. without gaps: 003\.do\.three\.sql$/)
  t.equal(db.pragma('user_version', { simple: true }), 0, 'none applied')

  db.pragma('foreign_keys = ON')
  const breaking = directory('breaking', {
    '001.do.tables.sql': 'CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (parent_id TEXT REFERENCES parent (id));',
    '002.do.orphan.sql': "INSERT INTO child VALUES ('missing');",
  })
  t.throws(() => { migrate(db, breaking) }, /^migration 002\.do\.orphan\.sql breaks a reference from child$/)
  t.equal(db.pragma('user_version', { simple: true }), 1, 'the first applied, the second not')
  t.equal(db.prepare('SELECT count(*) FROM child').pluck().get(), 0, 'nothing of the second kept')
  t.equal(db.pragma('foreign_keys', { simple: true }), 1, 'references enforced again')
})

/** A database (in memory, or the file) at migration `version`, as a store written by that release would be. */
function migratedTo (t: Test, version: number, file = ':memory:'): Database.Database {
  const db = new Database(file)
  t.teardown(() => db.close())
  const migrations = new URL('../migrations/', import.meta.url)
  for (const file of readdirSync(migrations).sort().slice(0, version)) db.exec(readFileSync(new URL(file, migrations), 'utf8'))
  db.pragma(`user_version = ${version}`)
  return db
}

t.test('migration 9 moves each key\'s current secret into its row and keeps a secret in transition until its end', async t => {
  const db = migratedTo(t, 8)
  db.exec(`INSERT INTO organisations (id, name, created_at) VALUES ('o', 'Org', 0);
    INSERT INTO api_keys (id, organisation_id, type, name, masked_key, status, creation_mode, created_at, last_updated_at)
    VALUES ('settled', 'o', 'organisation-service', 'Settled', 'm', 'active', 'api', 0, 0),
           ('rotated', 'o', 'organisation-service', 'Rotated', 'm', 'active', 'api', 0, 0)`)
  const insertSecret = db.prepare('INSERT INTO api_key_secrets (key_hash, api_key_id, expires_at, created_at) VALUES (?, ?, ?, 0)')
  insertSecret.run(hashSecret('settled'), 'settled', null)
  insertSecret.run(hashSecret('rotated-old'), 'rotated', 1_000)
  insertSecret.run(hashSecret('rotated-new'), 'rotated', null)
  migrate(db)

  const keys = new ApiKeyRepository(db)
  t.equal(keys.findBySecret(hashSecret('settled'), 500)?.id, 'settled')
  t.equal(keys.findBySecret(hashSecret('rotated-new'), 500)?.secret_expires_at, null, 'the current secret never lapses')
  t.equal(keys.findBySecret(hashSecret('rotated-old'), 500)?.secret_expires_at, 1_000, 'the retired one keeps its transition end')
  t.equal(keys.findBySecret(hashSecret('rotated-old'), 1_000), undefined, 'and stops there')
  t.equal(keys.transitionEnd('rotated', 500), 1_000)
  t.same(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'api_key_secrets'").all(), [], 'the old table is gone')
})

t.test('migration 11 keeps every membership, numbered in the order the members were read before', async t => {
  const db = migratedTo(t, 10)
  db.exec(`INSERT INTO organisations (id, name, created_at) VALUES ('o', 'Org', 0);
    INSERT INTO workspaces (id, organisation_id, slug, name, created_at) VALUES ('w1', 'o', 'ws-1', 'One', 0), ('w2', 'o', 'ws-2', 'Two', 0);
    INSERT INTO users (id, organisation_id, email, first_name, last_name, created_at) VALUES
      ('u1', 'o', 'a@x.test', 'A', 'A', 0), ('u2', 'o', 'b@x.test', 'B', 'B', 0), ('u3', 'o', 'c@x.test', 'C', 'C', 0);
    INSERT INTO workspace_members (workspace_id, user_id, role, created_at, last_updated_at) VALUES
      ('w1', 'u3', 'admin', 5, 6), ('w1', 'u1', 'member', 5, 5), ('w1', 'u2', 'manager', 1, 2), ('w2', 'u1', 'member', 3, 3)`)
  migrate(db)

  t.same(db.prepare('SELECT workspace_id, user_id, role, created_at, last_updated_at FROM workspace_members ORDER BY seq').raw().all(),
    [['w1', 'u2', 'manager', 1, 2], ['w2', 'u1', 'member', 3, 3], ['w1', 'u1', 'member', 5, 5], ['w1', 'u3', 'admin', 5, 6]])
  t.same(db.prepare("SELECT user_id, email FROM workspace_users WHERE workspace_id = 'w1' ORDER BY created_at, seq").raw().all(),
    [['u2', 'b@x.test'], ['u1', 'a@x.test'], ['u3', 'c@x.test']], 'the view reads them with their users')
  t.throws(() => db.prepare("INSERT INTO workspace_members (workspace_id, user_id, role, created_at, last_updated_at) VALUES ('w1', 'u1', 'admin', 9, 9)").run(),
    /UNIQUE/, 'a user is a member of a workspace once')
})

t.test('a store written before default workspaces (migration 2) has none: a config is then made only in a workspace it names', async t => {
  const file = join(t.testdir(), 'before-defaults.db')
  const db = migratedTo(t, 1, file)
  const [ORG, WORKSPACE, KEY] = ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f']
  db.exec(`INSERT INTO organisations (id, name, created_at) VALUES ('${ORG}', 'Org', 0);
    INSERT INTO workspaces (id, organisation_id, slug, name, created_at) VALUES ('${WORKSPACE}', '${ORG}', 'ws-old', 'Old', 0);
    INSERT INTO api_keys (id, organisation_id, type, name, masked_key, status, creation_mode, scopes, created_at, last_updated_at)
    VALUES ('${KEY}', '${ORG}', 'organisation-service', 'Old key', 'm', 'active', 'api', '["configs.create","configs.read"]', 0, 0)`)
  db.prepare('INSERT INTO api_key_secrets (key_hash, api_key_id, expires_at, created_at) VALUES (?, ?, NULL, 0)').run(hashSecret('old-store-secret-0001'), KEY)
  db.close()

  const app = await build(t, { config: { db: file } })
  const create = (payload: object) => call(app, 'old-store-secret-0001', { method: 'POST', url: '/v1/configs', payload: { name: 'x', config: {}, ...payload } })
  const unnamed = await create({})
  t.same([unnamed.status, unnamed.body.data.message], [400, 'Missing body field workspace_id'], 'no default workspace to fall back on')
  const named = await create({ workspace_id: 'ws-old' })
  t.equal(named.status, 200)
  t.equal((await call(app, 'old-store-secret-0001', { url: `/v1/configs/${named.body.slug}` })).body.workspace_id, WORKSPACE)
})

t.test('each page statement of the repository walks an index: no sort, no scan, whatever the store holds', async t => {
  const app = await build(t)
  const plan = (sql: string) =>
    (app.store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('o', 'a', 'b', 'c', 50, 0) as { detail: string }[]).map(r => r.detail).join('; ')
  const expected: Record<keyof typeof PAGE_STATEMENTS, string> = { ofOrganisation: 'api_keys_by_organisation', ofWorkspace: 'api_keys_by_workspace' }
  for (const [name, sql] of Object.entries(PAGE_STATEMENTS) as [keyof typeof PAGE_STATEMENTS, string][]) {
    const detail = plan(sql)
    t.match(detail, `USING INDEX ${expected[name]}`, name)
    t.notMatch(detail, /TEMP B-TREE|SCAN/, `${name}: ${detail}`)
  }
})

t.test('a page of a workspace\'s members reads one index alone, in the order they joined, without a sort', async t => {
  const app = await build(t)
  // The statements the repository itself prepares, caught as it prepares them (prepare is all it calls).
  const prepared: string[] = []
  const { db } = app.store
  const spy = { prepare: (sql: string) => { prepared.push(sql); return db.prepare(sql) } } as unknown as typeof db
  new MemberRepository(spy).list({ workspaceId: SEED.workspaces.research.id, role: null, email: null }, { limit: 50, offset: 0 })
  const page = prepared.find(sql => sql.includes('LIMIT'))!
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${page}`).all(SEED.workspaces.research.id, 50, 0) as { detail: string }[]).map(r => r.detail).join('; ')
  t.match(plan, 'USING COVERING INDEX workspace_members_covered')
  t.notMatch(plan, /TEMP B-TREE|SCAN/, plan)
})

t.test('the tallies behind `total` always equal a count of the keys', async t => {
  const app = await build(t)
  const { db } = app.store
  const added = Array.from({ length: 30 }, (_, i) => addKey(app, { type: (['organisation-service', 'workspace-service', 'workspace-user'] as const)[i % 3] }))
  for (const { id } of added.slice(0, 10)) db.prepare('DELETE FROM api_keys WHERE id = ?').run(id)
  const counted = db.prepare(`SELECT organisation_id, coalesce(workspace_id, '') AS workspace_id, type, count(*) AS total
    FROM api_keys GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`).all()
  const tallied = db.prepare('SELECT organisation_id, workspace_id, type, total FROM api_key_tallies WHERE total > 0 ORDER BY 1, 2, 3').all()
  t.same(tallied, counted)
})

t.test('a JSON column read twice gives one frozen value: no reader can change what another reads', async t => {
  const app = await build(t)
  const first = app.store.apiKeys.findById(SEED.apiKeys.researchPipeline)!
  const second = app.store.apiKeys.findById(SEED.apiKeys.researchPipeline)!
  t.equal(first.scopes, second.scopes, 'the same value')
  t.ok(Object.isFrozen(first.rate_limits) && Object.isFrozen(first.rate_limits[0]), 'frozen, all the way down')
  t.throws(() => { (first.scopes as string[]).push('admin') }, TypeError)
  t.same(app.store.apiKeys.findById(SEED.apiKeys.researchPipeline)!.scopes, second.scopes)
})

t.test('a JSON column decodes as JSON.parse does, whatever was decoded before it, long texts included', async t => {
  // Enough distinct texts to fill the shared values more than once; each read twice.
  const texts = fc.array(fc.json({ maxDepth: 3 }), { minLength: 1, maxLength: 300 })
  t.doesNotThrow(() => fc.assert(fc.property(texts, list => [...list, ...list].every(text => {
    const value = parseColumn(text)
    return JSON.stringify(value) === JSON.stringify(JSON.parse(text))
  })), { numRuns: 40 }))
  // fast-check's texts are rarely longer than the longest kept, so one is made: parsed each time.
  const long = JSON.stringify({ pad: 'x'.repeat(600) })
  t.same(parseColumn(long), JSON.parse(long))
  t.not(parseColumn(long), parseColumn(long), 'a long text is not kept')
})

t.test('a list puts the condition of each filter field given, and only those, whichever are given', async t => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  db.exec('CREATE TABLE things (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, colour TEXT, size INTEGER NOT NULL)')
  const insert = db.prepare('INSERT INTO things (id, owner, colour, size) VALUES (?, ?, ?, ?)')
  type Thing = { id: number, owner: string, colour: string | null, size: number }
  type Filter = { owner: string, colour: string | null, smallerThan: number | null }
  const list = paged<Filter, Thing>(db, {
    select: 'SELECT id, owner, colour, size FROM things',
    count: 'SELECT count(*) FROM things',
    where: { owner: 'owner = ?', colour: 'colour = ?', smallerThan: 'size < ?' },
    order: 'id DESC',
  })
  const things: Thing[] = Array.from({ length: 60 }, (_, i) => ({ id: i, owner: ['a', 'b'][i % 2], colour: [null, 'red', 'blue'][i % 3], size: i % 7 }))
  for (const thing of things) insert.run(thing.id, thing.owner, thing.colour, thing.size)
  const filters = fc.record({
    owner: fc.constantFrom('a', 'b', 'c'),
    colour: fc.constantFrom(null, 'red', 'blue', 'green'),
    smallerThan: fc.option(fc.integer({ min: 0, max: 8 })),
  })
  const page = fc.record({ limit: fc.integer({ min: 1, max: 40 }), offset: fc.integer({ min: 0, max: 70 }) })
  t.doesNotThrow(() => fc.assert(fc.property(filters, page, (filter, page) => {
    const matching = things.filter(thing => thing.owner === filter.owner && (filter.colour === null || thing.colour === filter.colour) &&
      (filter.smallerThan === null || thing.size < filter.smallerThan)).reverse()
    const expected = { total: matching.length, items: matching.slice(page.offset, page.offset + page.limit) }
    return JSON.stringify(list(filter, page)) === JSON.stringify(expected)
  }), { numRuns: 200 }))
  t.throws(() => paged(db, { select: 'SELECT id FROM things', count: 'SELECT count(*) FROM things', where: { owner: 'owner = ? OR owner = ?' }, order: 'id' }),
    /owner must have one \?/, 'a condition binds its field once')
})
