// The real process on a file store: killed with SIGKILL in the middle of writes, then reopened.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import t from 'tap'
import { build, call, DEV, listeningUrl, SEED } from './helper.js'

const headers = { 'x-portkey-api-key': DEV.admin, 'content-type': 'application/json' }

async function startServer (db: string) {
  // The bin as users run it, built by the suite's runner (test/run.ts).
  const child = spawn(process.execPath, ['dist/portkey-mock.js', '--port', '0', '--db', db, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] })
  return { child, url: await listeningUrl(child) }
}

const createKey = (url: string, i: number) => fetch(`${url}/v1/api-keys/workspace/service`, {
  method: 'POST', headers, body: JSON.stringify({ name: `durable ${i}`, scopes: [], workspace_id: SEED.workspaces.shared.id }),
}).then(async r => r.status === 200 ? (await r.json() as { id: string }).id : undefined)

t.test('every acknowledged write survives a SIGKILL mid-write, and the store stays consistent', async t => {
  const db = join(t.testdir(), 'store.db')
  const { child, url } = await startServer(db)
  t.teardown(() => { child.kill('SIGKILL') })

  const settled = await Promise.all(Array.from({ length: 100 }, (_, i) => createKey(url, i)))
  const acknowledged = settled.filter((id): id is string => id !== undefined)
  t.equal(acknowledged.length, 100)
  // A second wave, killed while it is in flight: some of it is acknowledged, some is not.
  const wave = Array.from({ length: 300 }, (_, i) => createKey(url, 100 + i).catch(() => undefined))
  await new Promise(resolve => setTimeout(resolve, 30))
  child.kill('SIGKILL')
  await once(child, 'exit')
  acknowledged.push(...(await Promise.all(wave)).filter((id): id is string => id !== undefined))

  const app = await build(t, { config: { db } })
  const store = app.store.db
  t.equal(store.pragma('integrity_check', { simple: true }), 'ok')
  const all = (await call(app, DEV.admin, { url: '/api-keys?page_size=1000' })).body as { total: number, data: { id: string }[] }
  const present = new Set(all.data.map(k => k.id))
  t.ok(acknowledged.every(id => present.has(id)), `all ${acknowledged.length} acknowledged creates are there`)
  t.equal(all.total, all.data.length, 'total agrees with the rows')
  const keysWithoutSecret = store.prepare('SELECT count(*) FROM api_keys WHERE key_hash IS NULL').pluck().get()
  t.equal(keysWithoutSecret, 0, 'no key was stored without its secret')
  const tallied = store.prepare('SELECT sum(total) FROM api_key_tallies').pluck().get()
  const counted = store.prepare('SELECT count(*) FROM api_keys').pluck().get()
  t.equal(tallied, counted, 'the tallies match the keys')
})
