import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { planFixture } from '../src/fixtures/plan.js'
import type { Random } from '../src/random.js'
import { build, call, DEV } from './helper.js'

// A slug's six hex digits are drawn at random, and two draws meet once in 16.7 million: these tests
// make the draws meet on purpose. A slug is unique within its organisation, so a drawn one already
// taken is drawn again.

/** A Random whose draws of three bytes (a slug's) are these, in turn, then `random`'s. */
function drawing (random: Random, draws: number[][]): Random {
  const left = [...draws]
  return { uuid: () => random.uuid(), bytes: length => length === 3 && left.length > 0 ? Buffer.from(left.shift()!) : random.bytes(length) }
}

async function withRepeatedSlugDraws (t: Test): Promise<FastifyInstance> {
  // Deterministic, so that the app's Random is its own, not the process's.
  const app = await build(t, { config: { deterministic: true } })
  app.random.bytes = drawing({ ...app.random }, [[1, 2, 3], [1, 2, 3]]).bytes
  return app
}

for (const [what, url, payload] of [
  ['a workspace', '/admin/workspaces', { name: 'after' }],
  ['a config', '/configs', { name: 'after', config: { retry: { attempts: 1 } } }],
] as const) {
  t.test(`${what} whose drawn slug the organisation has already gets another, not a 500`, async t => {
    const app = await withRepeatedSlugDraws(t)
    const first = await call(app, DEV.admin, { method: 'POST', url, payload })
    const second = await call(app, DEV.admin, { method: 'POST', url, payload })
    t.equal(first.status, 200)
    t.equal(second.status, 200, JSON.stringify(second.body))
    t.match(first.body.slug, /-after-010203$/)
    t.not(second.body.slug, first.body.slug)
    const listed = await call(app, DEV.admin, { url })
    const slugs = (listed.body.data as { slug: string }[]).map(item => item.slug)
    t.ok(slugs.includes(first.body.slug) && slugs.includes(second.body.slug), 'both are kept')
  })
}

t.test("a fixture's drawn slugs miss each other and every slug it gives, a later one's too", async t => {
  // Drawn in turn: the first workspace's, the second's until it misses the first's and the third's
  // given slug; then the first config's until it misses the third's, and the second's from zeros.
  const random: Random = { uuid: randomUUID, bytes: length => Buffer.alloc(length) }
  const [plan] = planFixture({
    organisations: [{
      name: 'Acme',
      workspaces: [{ name: 'Team' }, { name: 'Team' }, { name: 'Other', slug: 'ws-team-020202' }],
      configs: [{ name: 'Retry', config: {} }, { name: 'Retry', config: {} }, { name: 'Given', slug: 'pc-retry-030303', config: {} }],
    }],
  }, { random: drawing(random, [[0, 0, 0], [0, 0, 0], [2, 2, 2], [4, 4, 4], [3, 3, 3], [3, 3, 3], [5, 5, 5]]), now: 0 })
  t.same(plan.workspaces.map(w => w.slug), ['ws-team-000000', 'ws-team-040404', 'ws-team-020202'])
  t.same(plan.configs.map(versions => versions[0].slug), ['pc-retry-050505', 'pc-retry-000000', 'pc-retry-030303'])
})
