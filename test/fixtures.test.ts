import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import fc from 'fast-check'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { buildApp } from '../src/app.js'
import { defaultConfig } from '../src/config.js'
import { FixtureError } from '../src/fixtures/error.js'
import { Fixture } from '../src/schemas/generated.js'
import { valuesOf } from './arbitraries.js'
import { build, call, DEV, tenantFrom } from './helper.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const fixtures = new URL('../fixtures/', import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'portkey-mock-fixtures-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string | Buffer) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

t.test('the shipped JSON Schema accepts the built-in fixture and the example, and refuses a typo', async t => {
  const schema = JSON.parse(readFileSync(new URL('fixture.schema.json', fixtures), 'utf8'))
  const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(schema)
  for (const name of ['builtin.yaml', 'example.yaml']) {
    const data = parse(readFileSync(new URL(name, fixtures), 'utf8'))
    t.ok(validate(data), `${name}: ${JSON.stringify(validate.errors)}`)
  }
  t.notOk(validate({ organisations: [{ name: 'x', api_key: [] }] }), 'an unknown field')
})

t.test('a fixture loads: its secrets authenticate, its references resolve, and reset returns to it', async t => {
  const app = await build(t, { config: { seed: new URL('example.yaml', fixtures).pathname } })
  const admin = 'example-admin-secret-0001'
  t.equal((await call(app, DEV.admin, { url: '/v1/api-keys' })).status, 401, 'the built-in keys are not there')
  const keys = await call(app, admin, { url: '/v1/api-keys' })
  t.equal(keys.status, 200)
  t.same(keys.body.data.map((k: { name: string }) => k.name).sort(), ['CI admin', 'Linus in staging', 'Staging service'])
  const staging = keys.body.data.find((k: { name: string }) => k.name === 'Staging service')
  t.match(staging, { key: 'ex*****002', defaults: { config_id: 'pc-retry-twice' }, scopes: ['workspace_service_api_keys.list', 'workspace_service_api_keys.read', 'completions.write'] })
  const linus = keys.body.data.find((k: { name: string }) => k.name === 'Linus in staging')
  t.match(linus, { usage_limits: { credit_limit: 50, type: 'cost', periodic_reset: 'monthly', next_usage_reset_at: '2026-02-01T00:00:00.000Z' } })
  const workspaces = (await call(app, admin, { url: '/v1/admin/workspaces' })).body.data
  t.same(workspaces.map((w: { slug: string, defaults: { is_default: number } }) => [w.slug, w.defaults.is_default]).sort(), [['ws-production', 1], ['ws-staging', 0]])
  t.equal((await call(app, 'example-linus-secret-0003', { url: '/v1/api-keys' })).status, 403, 'a user key without key scopes')

  const before = (await app.inject({ url: '/v1/api-keys', headers: { 'x-portkey-api-key': admin } })).body
  await call(app, admin, { method: 'DELETE', url: `/v1/api-keys/${staging.id}` })
  t.equal((await call(app, undefined, { method: 'POST', url: '/__mock/reset' })).status, 200)
  t.equal((await app.inject({ url: '/v1/api-keys', headers: { 'x-portkey-api-key': admin } })).body, before, 'the same ids, secrets and times as at the start')
})

t.test('JSON fixtures load as YAML ones do', async t => {
  const json = file('tiny.json', JSON.stringify({ organisations: [{ name: 'Tiny', api_keys: [{ name: 'k', type: 'organisation-service', secret: 'tiny-secret-000001' }] }] }))
  const app = await build(t, { config: { seed: json } })
  const listed = await call(app, 'tiny-secret-000001', { url: '/v1/admin/workspaces' })
  t.equal(listed.status, 200)
  t.match(listed.body.data, [{ name: 'Default', defaults: { is_default: 1 } }], 'an organisation without workspaces gets a default one')
})

t.test('an accepted invite and a config\'s earlier versions, given without ids, are served as given', async t => {
  const json = file('history.json', JSON.stringify({
    organisations: [{
      name: 'History',
      created_at: '2026-01-05T09:00:00Z',
      configs: [{ name: 'Retry', slug: 'pc-retry', config: { retry: { attempts: 3 } }, previous_versions: [{ config: { retry: { attempts: 1 } } }] }],
      invites: [{ email: 'joined@x.test', role: 'member', status: 'accepted' }],
      api_keys: [{ name: 'k', type: 'organisation-service', secret: 'history-secret-0001' }],
    }],
  }))
  const app = await build(t, { config: { seed: json } })
  const versions = (await call(app, 'history-secret-0001', { url: '/v1/configs/pc-retry/versions' })).body
  t.equal(versions.total, 2)
  t.same(versions.data.map((v: { config: string }) => JSON.parse(v.config)), [{ retry: { attempts: 3 } }, { retry: { attempts: 1 } }], 'newest first')
  t.not(versions.data[0].version_id, versions.data[1].version_id, 'each version its own id')
  const invites = (await call(app, 'history-secret-0001', { url: '/v1/admin/users/invites' })).body
  t.match(invites.data, [{ email: 'joined@x.test', status: 'accepted', accepted_at: '2026-01-05T09:00:00.000Z' }], 'accepted when the organisation was made')
  t.match(invites.data[0].id, /^[0-9a-f-]{36}$/)
})

t.test('what a fixture leaves out gets the default its schema describes', async t => {
  const { app, tenant } = await tenantFrom(t, {
    created_at: '2026-01-05T09:00:00Z',
    workspaces: [],
    users: [
      { email: 'grace.hopper@navy.test', role: 'owner' },
      { email: 'late@navy.test', created_at: '2026-03-01T00:00:00Z' },
    ],
    configs: [{
      name: 'Retry',
      slug: 'pc-retry',
      config: { retry: { attempts: 3 } },
      created_at: '2026-01-10T00:00:00Z',
      last_updated_at: '2026-02-01T00:00:00Z',
      previous_versions: [{ config: { retry: { attempts: 1 } } }],
    }],
    invites: [{ email: 'new@navy.test', role: 'member', created_at: '2026-01-20T12:00:00Z' }],
    api_keys: [
      { name: 'plain', type: 'organisation-service', secret: 'defaults-secret-0001' },
      { name: 'ending', type: 'organisation-service', expires_at: '2030-01-01T00:00:00Z' },
    ],
  })
  const secret = 'defaults-secret-0001'
  t.match(tenant.workspaces, [{ name: 'Default', is_default: true }], 'an empty list of workspaces is none: the Default one')
  t.equal(tenant.workspaces.length, 1)

  const [grace] = tenant.users
  const { first_name: first, last_name: last, role } = (await call(app, secret, { url: `/v1/admin/users/${grace.id}` })).body
  t.same([first, last, role], ['grace.hopper', '', 'owner'], 'named by the email\'s part before the @')
  t.equal((await call(app, secret, { url: `/v1/admin/users/${tenant.users[1].id}` })).body.role, 'member')

  const [plain, ending] = await Promise.all(tenant.api_keys.map(async (key: { id: string }) => (await call(app, secret, { url: `/v1/api-keys/${key.id}` })).body))
  t.match(plain, { creation_mode: 'ui', status: 'active', expires_at: null, expiry_enforced: 0, created_at: '2026-01-05T09:00:00.000Z', last_updated_at: '2026-01-05T09:00:00.000Z' })
  t.match(ending, { expires_at: '2030-01-01T00:00:00.000Z', expiry_enforced: 1 })

  const versions = (await call(app, secret, { url: '/v1/configs/pc-retry/versions' })).body.data
  t.same(versions.map((v: { last_updated_at: string }) => v.last_updated_at), ['2026-02-01T00:00:00.000Z', '2026-01-10T00:00:00.000Z'],
    'the current version saved at last_updated_at, the earlier one at created_at')

  const [invite] = (await call(app, secret, { url: '/v1/admin/users/invites' })).body.data
  t.match(invite, { created_at: '2026-01-20T12:00:00.000Z', expires_at: '2026-01-27T12:00:00.000Z' }, 'a week after its own created_at')
})

t.test('a fixture\'s member joined once both its workspace and its user were there', async t => {
  const { app, tenant } = await tenantFrom(t, {
    created_at: '2026-01-01T00:00:00Z',
    workspaces: [
      { name: 'Late', slug: 'ws-late', created_at: '2026-02-01T00:00:00Z', members: [{ user: 'old@x.test', role: 'member' }] },
      { name: 'Early', slug: 'ws-early', members: [{ user: 'new@x.test', role: 'member' }, { user: 'old@x.test', role: 'admin' }] },
    ],
    users: [{ email: 'old@x.test', role: 'owner' }, { email: 'new@x.test', created_at: '2026-03-01T00:00:00Z' }],
    api_keys: [{ name: 'k', type: 'organisation-service', secret: 'joined-secret-0001' }],
  })
  const members = async (slug: string) => (await call(app, 'joined-secret-0001', { url: `/v1/admin/workspaces/${slug}/users` })).body.data
    .map((m: { email: string, created_at: string, last_updated_at: string }) => [m.email, m.created_at, m.last_updated_at])
  t.same(await members('ws-early'), [
    ['old@x.test', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['new@x.test', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
  ], 'when the user was made, and listed in that order')
  t.same(await members('ws-late'), [['old@x.test', '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']], 'when the workspace was made')
  const old = tenant.users.find((u: { email: string }) => u.email === 'old@x.test')
  t.same((await call(app, 'joined-secret-0001', { url: `/v1/admin/users/${old.id}` })).body.workspace_ids, tenant.workspaces.map((w: { id: string }) => w.id).reverse(),
    'a user\'s workspaces in the order they joined, not the order the file lists them')
})

const BAD = `organisations:
  - name: Broken
    workspaces:
      - { name: One, slug: ws-one, is_default: true }
      - { name: Two, slug: ws-one, is_default: true, usage_limits: [{ credit_limit: 5 }, { periodic_reset: monthly, periodic_reset_days: 30 }] }
    users:
      - { email: a@x.test }
      - { email: a@x.test }
      - { email: b@x.test, role: chief }
    api_keys:
      - { name: ok, type: organisation-service, secret: short }
      - { name: nowhere, type: workspace-service, workspace: ws-missing }
      - { name: stranger, type: workspace-user, user: b@x.test }
      - { name: greedy, type: workspace-service, scopes: [not.a.scope, workspaces.create] }
      - { type: organisation-service, colour: blue }
      - { name: placed, type: organisation-service, workspace: ws-one, user: a@x.test }
      - { name: nobody, type: workspace-user, workspace: ws-one }
      - { name: limited, type: workspace-service, usage_limits: { periodic_reset: weekly, periodic_reset_days: 7 }, rotation_policy: { rotation_period: weekly, key_transition_period_ms: 604800000 } }
  - name: Second
    workspaces:
      - { name: Main, slug: ws-main, members: [{ user: ghost@x.test, role: member }] }
      - { name: Other, slug: ws-other }
    configs:
      - { name: Elsewhere, slug: pc-elsewhere, workspace: ws-other, config: { retry: { attempts: 1 } } }
    api_keys:
      - { name: again, type: organisation-service, secret: long-enough-1 }
      - { name: misled, type: workspace-service, workspace: ws-main, defaults: { config_id: pc-elsewhere } }
`

t.test('a bad fixture is refused with every problem named by its place, and nothing is opened', async t => {
  const path = file('bad.yaml', BAD)
  const error = t.throws(() => buildApp(defaultConfig({ seed: path, logLevel: 'silent' }))) as unknown as FixtureError
  t.type(error, FixtureError)
  t.match(error.problems, [
    /^organisations\[0\]\.users\[2\]\.role: .*owner, admin, member|^organisations\[0\]\.users\[2\]\.role/,
    /^organisations\[0\]\.api_keys\[0\]\.secret: must NOT have fewer than 8 characters/,
    /^organisations\[0\]\.api_keys\[3\]\.scopes\[0\]: unknown value "not\.a\.scope"/,
    /^organisations\[0\]\.api_keys\[4\]: missing name/,
    /^organisations\[0\]\.api_keys\[4\]: unknown field colour \(it takes id, type, name, .*, secret, scopes, .*\)$/,
  ], 'first the schema: every problem, not just the first; an unknown field with the fields its object takes')
  t.equal(error.problems.length, 5)

  // Past the schema, the references: every one that does not hold.
  const schemaClean = BAD.replace('role: chief', 'role: member').replace('secret: short', 'secret: long-enough-1').replace('not.a.scope, ', '').replace(', colour: blue', ', name: named')
  const references = t.throws(() => buildApp(defaultConfig({ seed: file('refs.yaml', schemaClean), logLevel: 'silent' }))) as unknown as FixtureError
  t.same(references.problems, [
    'organisations[0].users[1].email: email a@x.test appears twice',
    'organisations[0].workspaces[1].is_default: workspaces[0] is the default already; an organisation has one',
    'organisations[0].workspaces[1].slug: slug ws-one appears twice',
    'organisations[0].workspaces[1].usage_limits[1]: periodic_reset and periodic_reset_days are mutually exclusive',
    'organisations[0].api_keys[1].workspace: no workspace of the organisation has the slug or id ws-missing',
    'organisations[0].api_keys[2].user: b@x.test is not a member of workspace ws-one',
    'organisations[0].api_keys[3].scopes[0]: a workspace-service key cannot hold workspaces.create',
    'organisations[0].api_keys[5].workspace: organisation keys belong to no workspace',
    'organisations[0].api_keys[5].user: only workspace-user keys belong to a user',
    'organisations[0].api_keys[6].user: a workspace-user key needs the email or id of its user',
    'organisations[0].api_keys[7].usage_limits: periodic_reset and periodic_reset_days are mutually exclusive',
    'organisations[0].api_keys[7].rotation_policy.key_transition_period_ms: must be shorter than the weekly rotation period',
    'organisations[1].workspaces[0].members[0].user: no user of the organisation has the email or id ghost@x.test',
    'organisations[1].api_keys[1].defaults.config_id: pc-elsewhere is not a config of the key\'s workspace',
    'organisations[1].api_keys[0].secret: already used at organisations[0].api_keys[0].secret',
  ], 'and ids and secrets are unique across the organisations of a file')

  const syntax = t.throws(() => buildApp(defaultConfig({ seed: file('syntax.yaml', 'organisations:\n  - name: [unclosed\n'), logLevel: 'silent' }))) as unknown as FixtureError
  t.match(syntax.problems[0], /syntax\.yaml:\d+:\d+: /, 'a syntax error by line and column')
  t.notMatch(syntax.problems[0], /at line|:$/, 'said once, not again in the parser\'s words')
  const twice = t.throws(() => buildApp(defaultConfig({ seed: file('twice.yaml', 'organisations:\n  - name: One\n    name: Two\n'), logLevel: 'silent' }))) as unknown as FixtureError
  t.same(twice.problems, [`${join(dir, 'twice.yaml')}:3:5: Map keys must be unique`], 'a key given twice, by line and column: not the last one silently')
  for (const [text, problem] of [['{}', '(the whole document): missing organisations'], ['[]', '(the whole document): must be object']]) {
    const whole = t.throws(() => buildApp(defaultConfig({ seed: file('whole.yaml', text), logLevel: 'silent' }))) as unknown as FixtureError
    t.same(whole.problems, [problem], `${text}: the whole document named as such`)
  }
  for (const text of ['', '# organisations to come\n']) {
    const empty = t.throws(() => buildApp(defaultConfig({ seed: file('empty.yaml', text), logLevel: 'silent' }))) as unknown as FixtureError
    t.same(empty.problems, [`${join(dir, 'empty.yaml')}: holds nothing; a fixture has organisations at least`], `${JSON.stringify(text)}: named as empty`)
  }
  // Six levels of ten aliases each: a million names from a file of seven lines.
  const laughs = ['a: &l0 [x, x, x, x, x, x, x, x, x, x]', ...[1, 2, 3, 4, 5].map(n => `l${n}: &l${n} [${Array(10).fill(`*l${n - 1}`).join(', ')}]`), 'organisations: [*l5]'].join('\n')
  const bomb = t.throws(() => buildApp(defaultConfig({ seed: file('laughs.yaml', laughs), logLevel: 'silent' }))) as unknown as FixtureError
  t.type(bomb, FixtureError)
  t.same(bomb.problems, [`${join(dir, 'laughs.yaml')}: Excessive alias count indicates a resource exhaustion attack`], 'aliases that expand too far: refused, not expanded')
  for (const [name, text, line] of [['latin1.yaml', 'organisations:\n  - name: Caf\xe9\n', 2], ['end.yaml', 'organisations:\n  - name: Caf\xe9', 2], ['first.yaml', '\xe9', 1]] as const) {
    const latin1 = t.throws(() => buildApp(defaultConfig({ seed: file(name, Buffer.from(text, 'latin1')), logLevel: 'silent' }))) as unknown as FixtureError
    t.same(latin1.problems, [`${join(dir, name)}:${line}: not UTF-8, which a fixture must be`], `${name}: refused by its line, not read with U+FFFD for its accents`)
  }
  const missing = t.throws(() => buildApp(defaultConfig({ seed: join(dir, 'nope.yaml'), logLevel: 'silent' }))) as unknown as FixtureError
  t.match(missing.problems[0], /nope\.yaml: ENOENT/)
})

t.test('a slug the contract refuses is named with the rule it breaks, in words', async t => {
  const path = file('slugs.yaml', `organisations:
  - name: Slugs
    workspaces:
      - { name: Spaced, slug: Ws One }
    configs:
      - { name: Dashed, slug: -pc, config: { retry: { attempts: 1 } } }
`)
  const error = t.throws(() => buildApp(defaultConfig({ seed: path, logLevel: 'silent' }))) as unknown as FixtureError
  const rule = 'must be 1 to 100 lower-case letters, digits or hyphens, the first not a hyphen'
  t.same(error.problems, [`organisations[0].workspaces[0].slug: ${rule}`, `organisations[0].configs[0].slug: ${rule}`])
})

t.test('a generated fixture starts, or is refused with its problems named by place: never another error', async t => {
  // Fixtures drawn from their own schema, their texts often these few names, so that they refer to
  // each other often enough to get past the schema to the references (a member's user, a key's
  // workspace, a config's slug).
  const context = { known: ['a@x.test', 'b@x.test', 'ws-a', 'ws-b', 'pc-a'], byName: {}, strays: false }
  const outcomes = { started: 0, refused: 0 }
  let n = 0
  await fc.assert(fc.asyncProperty(valuesOf(Fixture, context), fc.boolean(), async (fixture, asJson) => {
    const path = file(`generated-${n++}.${asJson ? 'json' : 'yaml'}`, asJson ? JSON.stringify(fixture) : stringify(fixture))
    try {
      await buildApp(defaultConfig({ seed: path, logLevel: 'silent' })).close()
      outcomes.started++
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error
      if (error.problems.length === 0 || !error.problems.every(problem => /^\S.*: \S/.test(problem))) throw new Error(`problems without a place: ${JSON.stringify(error.problems)}`)
      outcomes.refused++
    }
  }), { numRuns: 200, seed: Number(process.env.PORTKEY_MOCK_FUZZ_SEED ?? 20261123) })
  t.ok(outcomes.started > 0 && outcomes.refused > 0, `both started and refused: ${JSON.stringify(outcomes)}`)
})

t.test('the server refuses to start on a bad fixture: exit 2, every problem on stderr', async t => {
  const child = spawn(process.execPath, [new URL('../dist/portkey-mock.js', import.meta.url).pathname, '--port', '0', '--seed', file('bad2.yaml', BAD)])
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  child.stdout.on('data', chunk => { stdout += chunk })
  const code = await new Promise(resolve => child.on('exit', resolve))
  t.equal(code, 2)
  t.equal(stdout, '', 'it never listened')
  t.match(stderr, /cannot load .*bad2\.yaml: the fixture has 5 problems:\n {2}organisations\[0\]\.users\[2\]\.role/)
  t.match(stderr, /api_keys\[4\]: unknown field colour/)
})
