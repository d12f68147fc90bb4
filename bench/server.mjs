// A stand-in server for the benchmark: the built app (dist/), configured as shipped (the log at
// `info`, on stdout), on a store (DB, in memory by default) holding the seed plus KEYS more keys,
// listening on a free loopback port. Plain JavaScript on purpose: it runs under bare node, so its
// memory is the app's own. Prints its URL on a line of its own on stdout, among the log's.
//
// JOURNALS: the journal's size, 1000 by default, 0 for none; a list (`1000,0`) serves one app per
// size in this process, built in that order (each after the first in memory), and prints their URLs
// a line each. Processes started alike differ by up to 20% in rate on these machines (measured: six
// identical servers, pinned to one core, 39k-48k req/s), so the journal's cost is measured between
// two apps of one process, not between two processes.
import { createHash } from 'node:crypto'
import { buildApp } from '../dist/app.js'
import { defaultConfig } from '../dist/config.js'
import { releaseMemoryWhenIdle } from '../dist/idle.js'
import { newApiKey } from '../dist/resources/api-keys/model.js'
import { maskSecret } from '../dist/secrets.js'

const total = Number(process.env.KEYS ?? 0)

async function serve (journalSize, file) {
  const app = buildApp(defaultConfig({ db: file, journalSize }))
  await app.ready()

  // The built-in fixture's organisation, its two workspaces, and a user who is a member of both.
  const { db } = app.store
  const organisationId = db.prepare('SELECT id FROM organisations').pluck().get()
  const workspaces = db.prepare('SELECT id FROM workspaces ORDER BY created_at').pluck().all()
  const userId = db.prepare("SELECT id FROM users WHERE email = 'bob@acme.test'").pluck().get()
  const start = Date.parse('2024-01-01T00:00:00.000Z')
  db.transaction(() => {
    for (let i = 0; i < total; i++) {
      const type = ['organisation-service', 'workspace-service', 'workspace-user'][i % 3]
      const secret = `bench-${i}-${'x'.repeat(24)}`
      app.store.apiKeys.insert(newApiKey({
        id: crypto.randomUUID(), organisation_id: organisationId,
        workspace_id: type === 'organisation-service' ? null : workspaces[i % 2],
        user_id: type === 'workspace-user' ? userId : null,
        type, name: `bench key ${i}`, masked_key: maskSecret(secret),
        rate_limits: [{ type: 'requests', unit: 'rpm', value: 100 }], scopes: ['completions.write'],
        created_at: start + i * 1000,
      }), createHash('sha256').update(secret).digest())
    }
  })()
  return await app.listen({ host: '127.0.0.1', port: 0 })
}

const sizes = (process.env.JOURNALS ?? '1000').split(',').map(Number)
for (const [i, size] of sizes.entries()) process.stdout.write(`${await serve(size, i === 0 ? process.env.DB ?? ':memory:' : ':memory:')}\n`)
// As the bin does once it listens.
releaseMemoryWhenIdle()
