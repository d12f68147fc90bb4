import t from 'tap'
import { build, DEV, SEED } from './helper.js'

const IDS = [
  "' OR 1=1 --", "1; DROP TABLE api_keys", '%27%20OR%20%271%27%3D%271', '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd',
  '%00', 'a%00b', '%E2%80%AE', '%F0%9F%92%A9', '%FF%FE', '%', '%%', '%zz', 'x'.repeat(10_000),
  `${SEED.apiKeys.admin}%00`, `${SEED.apiKeys.admin.toUpperCase()}`, `${SEED.apiKeys.admin} `, '{id}', ':id', '*',
  'null', 'undefined', '__proto__', 'constructor', '<script>alert(1)</script>',
]
const QUERIES = [
  'page_size=1&page_size=2', 'current_page=0&current_page=1', 'workspace_id=a&workspace_id=b',
  `workspace_id=${encodeURIComponent("' OR 1=1 --")}`, `workspace_id=${'w'.repeat(5000)}`, 'workspace_id=%00',
  'page_size[]=1', 'page_size[a]=1', 'page_size=0x10', 'page_size=1e2', 'page_size= 5', 'page_size=%2B5',
  'page_size=Infinity', 'page_size=NaN', 'current_page=-0', 'current_page=99999999999999999999999999',
  '__proto__[x]=1', 'constructor[prototype][x]=1', `${'k'.repeat(3000)}=v`, '&&&&==&=', '%', 'a=%zz',
]
const SECRETS = ["' OR ''='", 'x'.repeat(20_000), '\u00e9\u00e8', DEV.admin.slice(0, -1)]

// Every row of every table: a hostile request must leave all of it as it was.
const snapshot = (app: Awaited<ReturnType<typeof build>>) => Object.fromEntries(
  (app.store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[])
    .map(table => [table, app.store.db.prepare(`SELECT * FROM "${table}" ORDER BY 1`).all()]))

t.test('hostile ids, query strings and secrets: never a 5xx, always the envelope, nothing changed', async t => {
  const app = await build(t)
  const before = JSON.stringify(snapshot(app))
  const requests: { url: string, secret: string }[] = [
    ...IDS.flatMap(id => [`/api-keys/${id}`, `/v1/api-keys/${id}`].map(url => ({ url, secret: DEV.admin }))),
    ...QUERIES.flatMap(query => [DEV.admin, DEV.workspace].map(secret => ({ url: `/api-keys?${query}`, secret }))),
    ...SECRETS.map(secret => ({ url: '/api-keys', secret })),
  ]
  let failures = 0
  for (const { url, secret } of requests) {
    const response = await app.inject({ method: 'GET', url, headers: { 'x-portkey-api-key': secret } })
    const ok = response.statusCode < 500 && /^application\/json/.test(String(response.headers['content-type']))
    const body = response.json()
    const enveloped = response.statusCode === 200 || (body.success === false && /^AB0\d$/.test(body.data?.errorCode))
    if (!ok || !enveloped) {
      failures++
      t.fail(`${url.slice(0, 80)} -> ${response.statusCode} ${response.body.slice(0, 200)}`)
    }
  }
  t.equal(failures, 0, `${requests.length} hostile requests, all answered in Portkey's shape`)
  t.equal(JSON.stringify(snapshot(app)), before, 'the store is unchanged')
})

t.test('repeated paging parameters are a 400, not a guess', async t => {
  const app = await build(t)
  const response = await app.inject({ url: '/api-keys?page_size=1&page_size=2', headers: { 'x-portkey-api-key': DEV.admin } })
  t.equal(response.statusCode, 400)
  t.match(response.json().data.message, /page_size/)
})
