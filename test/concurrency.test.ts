// Hundreds of writes at once over real HTTP: every acknowledged write is there afterwards, once.
import t from 'tap'
import { build, call, DEV, listen, SEED } from './helper.js'

const headers = { 'x-portkey-api-key': DEV.admin, 'content-type': 'application/json' }

t.test('concurrent creates and updates: nothing lost, nothing doubled, no 5xx', async t => {
  const app = await build(t)
  const url = await listen(app)
  const before = (await call(app, DEV.admin, { url: '/api-keys' })).body.total

  const creates = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(`${url}/v1/api-keys/workspace/service`, {
    method: 'POST', headers, body: JSON.stringify({ name: `concurrent ${i}`, scopes: [], workspace_id: SEED.workspaces.shared.id }),
  }).then(async r => ({ status: r.status, body: await r.json() as { id: string } }))))
  t.same([...new Set(creates.map(c => c.status))], [200], 'every create acknowledged')
  const ids = creates.map(c => c.body.id)
  t.equal(new Set(ids).size, 300, 'no id handed out twice')

  // Two fields of the same keys written at once by different requests: neither write may undo the other.
  const targets = ids.slice(0, 100)
  const updates = await Promise.all(targets.flatMap(id => [
    fetch(`${url}/v1/api-keys/${id}`, { method: 'PUT', headers, body: JSON.stringify({ name: `renamed ${id}` }) }),
    fetch(`${url}/v1/api-keys/${id}`, { method: 'PUT', headers, body: JSON.stringify({ description: `described ${id}` }) }),
  ]))
  t.same([...new Set(updates.map(u => u.status))], [200], 'every update acknowledged')

  const all = (await call(app, DEV.admin, { url: '/api-keys?page_size=1000' })).body as { total: number, data: { id: string, name: string, description: string | null }[] }
  t.equal(all.total, before + 300)
  t.equal(all.data.length, before + 300)
  const byId = new Map(all.data.map(k => [k.id, k]))
  t.ok(ids.every(id => byId.has(id)), 'every created key is listed')
  t.ok(targets.every(id => byId.get(id)!.name === `renamed ${id}` && byId.get(id)!.description === `described ${id}`), 'both writes to each key survived')
})
