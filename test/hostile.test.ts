import t from 'tap'
import { build, DEV, SEED, storeContents } from './helper.js'

const IDS = [
  "' OR 1=1 --", '1; DROP TABLE api_keys', '%27%20OR%20%271%27%3D%271', '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd',
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

t.test('hostile ids, query strings and secrets: never a 5xx, always the envelope, nothing changed', async t => {
  const app = await build(t)
  const before = storeContents(app)
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
  t.equal(storeContents(app), before, 'the store is unchanged')
})

t.test('a path segment over 100 characters is a 414 that says so, without repeating the path', async t => {
  const app = await build(t)
  const get = async (id: string) => await app.inject({ url: `/v1/api-keys/${id}`, headers: { 'x-portkey-api-key': DEV.admin } })
  const long = await get('x'.repeat(10_000))
  t.equal(long.statusCode, 414)
  t.same(long.json(), { success: false, data: { message: 'URI Too Long: a path segment is over the 100 characters a path parameter may hold', errorCode: 'AB01' } })
  t.equal((await get('x'.repeat(101))).statusCode, 414, 'at 101')
  const atMost = await get('x'.repeat(100))
  t.equal(atMost.statusCode, 400, 'at 100, the parameter\'s own check')
  t.match(atMost.json().data.message, /^Invalid path parameter id: /)
})

t.test('a malformed %-escape in the path is a 400 that says so, naming the path cut short', async t => {
  const app = await build(t)
  for (const [path, named] of [['/v1/api-keys/%zz', '/v1/api-keys/%zz'], ['/v1/api-keys/%FF%FE', '/v1/api-keys/%FF%FE'], [`/v1/api-keys/${'x'.repeat(90)}/${'y'.repeat(200)}%`, `/v1/api-keys/${'x'.repeat(90)}/${'y'.repeat(96)}`]]) {
    const response = await app.inject({ url: path, headers: { 'x-portkey-api-key': DEV.admin } })
    t.equal(response.statusCode, 400)
    t.same(response.json(), { success: false, data: { message: `Invalid path: a %-escape in it is malformed or not UTF-8 (${JSON.stringify(named)})`, errorCode: 'AB01' } })
  }
})

t.test('repeated query parameters are a 400 that says so, not a guess', async t => {
  const app = await build(t)
  for (const [query, name] of [['page_size=1&page_size=2', 'page_size'], ['current_page=0&current_page=0', 'current_page'], ['workspace_id=a&workspace_id=b', 'workspace_id']]) {
    const response = await app.inject({ url: `/api-keys?${query}`, headers: { 'x-portkey-api-key': DEV.admin } })
    t.equal(response.statusCode, 400)
    t.equal(response.json().data.message, `Invalid query parameter ${name}: given more than once`)
  }
})

const BODIES: unknown[] = [
  null, 0, 'name', [], [{}], true,
  { name: "'); DROP TABLE api_keys; --", scopes: ["' OR 1=1"] },
  { name: 'x', scopes: [], __proto__: { admin: true } },
  { name: 'x', scopes: [], constructor: { prototype: { polluted: true } } },
  { name: 'x'.repeat(300), scopes: [] },
  { name: 'x', scopes: Array.from({ length: 5000 }, (_, i) => `s${i}`) },
  { name: 'x', scopes: [], defaults: { metadata: { a: { b: { c: {} } } } } },
  { name: 'x', scopes: [], rate_limits: [{ type: 'requests', unit: 'rpm', value: 1e308 }] },
  { name: 'x', scopes: [], rate_limits: [{ type: 'requests', unit: 'rpm', value: -1 }] },
  '{"name": "x", "scopes": [], "usage_limits": {"credit_limit": 1e400}}', // JSON that overflows to Infinity, as text: JSON.stringify would send null
  { name: 'x', scopes: [], expires_at: '9999-99-99T99:99:99Z' },
  { name: 'x', scopes: [], expires_at: '+275760-09-13T00:00:00.000Z' },
  { name: 'x', scopes: [], alert_emails: ['a@b.c'.repeat(1000)] },
  { name: '\u0000\uffff\ud800', scopes: [] },
  { name: 'x', scopes: [], workspace_id: "ws' OR '1'='1" },
  { name: 'x', scopes: [], user_id: '../../' },
]

t.test('hostile bodies on the write routes: never a 5xx, always the envelope, no stray writes', async t => {
  const app = await build(t)
  const count = () => app.store.db.prepare('SELECT count(*) FROM api_keys').pluck().get() as number
  const before = count()
  let created = 0
  for (const body of BODIES) {
    for (const [method, url] of [['POST', '/api-keys/workspace/service'], ['POST', '/api-keys/organisation/service'], ['PUT', `/api-keys/${SEED.apiKeys.carol}`], ['POST', `/api-keys/${SEED.apiKeys.carol}/rotate`]] as const) {
      const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
      const response = await app.inject({ method, url, headers: { 'x-portkey-api-key': DEV.admin, 'content-type': 'application/json' }, payload: raw })
      const answer = response.json()
      const fine = response.statusCode < 500 && (response.statusCode === 200 || (answer.success === false && /^AB0\d$/.test(answer.data?.errorCode)))
      if (!fine) t.fail(`${method} ${url} ${raw.slice(0, 60)} -> ${response.statusCode} ${response.body.slice(0, 200)}`)
      if (response.statusCode === 200 && method === 'POST' && !url.endsWith('/rotate')) created++
    }
  }
  t.equal(count(), before + created, `only the ${created} acknowledged creates were stored`)
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted')
  t.equal(({} as Record<string, unknown>).admin, undefined)
})
