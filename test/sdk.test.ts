// Through the real portkey-ai Node SDK, over real HTTP, as a user's integration test meets the server.
import t from 'tap'
import { AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError } from 'portkey-ai/dist/src/error.js'
import { build, DEV, listen, sdk, SEED } from './helper.js'

type Listed = { total: number, object: string, data: { id: string, workspace_id: string | null, key: string }[] }

t.test('apiKeys.list, with and without filters and paging', async t => {
  const url = await listen(await build(t))
  const portkey = sdk(url, DEV.admin)

  const all = await portkey.apiKeys.list({}) as unknown as Listed
  t.equal(all.object, 'list')
  t.equal(all.total, Object.keys(SEED.apiKeys).length)
  t.equal(all.data.length, all.total)

  const page = await portkey.apiKeys.list({ page_size: 3, current_page: 1 }) as unknown as Listed
  t.equal(page.total, all.total)
  t.same(page.data.map(k => k.id), all.data.slice(3, 6).map(k => k.id))

  for (const workspace of [SEED.workspaces.research.id, SEED.workspaces.research.slug]) {
    const filtered = await portkey.apiKeys.list({ workspace_id: workspace }) as unknown as Listed
    t.equal(filtered.total, 4, workspace)
    t.ok(filtered.data.every(k => k.workspace_id === SEED.workspaces.research.id))
  }
})

t.test('apiKeys.retrieve answers the masked key', async t => {
  const url = await listen(await build(t))
  const key = await sdk(url, DEV.admin).apiKeys.retrieve({ id: SEED.apiKeys.admin }) as unknown as Listed['data'][number] & Record<string, unknown>
  t.equal(key.id, SEED.apiKeys.admin)
  t.equal(key.type, 'organisation-service')
  t.equal(key.key, `${DEV.admin.slice(0, 2)}*****${DEV.admin.slice(-3)}`)
  t.equal(key.object, 'api-key')
})

t.test("the SDK's own error classes for 400, 401, 403 and 404", async t => {
  const url = await listen(await build(t))
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error)
  const cases: [Promise<unknown>, abstract new (...args: never[]) => Error, number, string][] = [
    [sdk(url, 'no-such-secret').apiKeys.list({}), AuthenticationError, 401, 'AB05'],
    [sdk(url, DEV.user).apiKeys.list({}), PermissionDeniedError, 403, 'AB03'],
    [sdk(url, DEV.workspace).apiKeys.list({ workspace_id: SEED.workspaces.research.slug }), PermissionDeniedError, 403, 'AB03'],
    [sdk(url, DEV.admin).apiKeys.retrieve({ id: crypto.randomUUID() }), NotFoundError, 404, 'AB08'],
    [sdk(url, DEV.workspace).apiKeys.retrieve({ id: SEED.apiKeys.admin }), NotFoundError, 404, 'AB08'],
    [sdk(url, DEV.admin).apiKeys.list({ page_size: 0 }), BadRequestError, 400, 'AB01'],
  ]
  for (const [call, ErrorClass, status, errorCode] of cases) {
    const error = await failure(call) as { status: number, error: unknown }
    t.type(error, ErrorClass)
    t.equal(error.status, status)
    t.match(error.error, { success: false, data: { errorCode } })
  }
})
