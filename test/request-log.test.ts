import { PassThrough } from 'node:stream'
import t, { type Test } from 'tap'
import { build, call, DEV, SEED } from './helper.js'
import type { Config } from '../src/config.js'
import { lazyRequestLogger } from '../src/request-log.js'

// Each request logs through a child of the app's logger, made only when the request first logs
// (src/request-log.ts): what it logs must carry its own request id, as a child's lines always did.

async function logged (t: Test, logLevel: Config['logLevel']) {
  const stream = new PassThrough()
  const lines: Record<string, unknown>[] = []
  stream.on('data', chunk => { for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line)) })
  return { app: await build(t, { config: { logLevel }, logStream: stream }), lines }
}

t.test('at the shipped level a failing request logs its error with its own request id', async t => {
  const { app, lines } = await logged(t, 'info')
  t.equal((await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.admin}` })).status, 200)
  t.same(lines.filter(line => line.reqId !== undefined), [], 'a request that succeeds logs nothing')
  app.store.db.close()
  for (let i = 0; i < 2; i++) t.equal((await call(app, DEV.admin, { url: '/api-keys' })).status, 500)
  const errors = lines.filter(line => line.msg === 'unexpected error')
  t.equal(errors.length, 2, 'each failure is logged')
  t.ok(errors.every(line => typeof line.reqId === 'string' && line.level === 50), 'at error level, with a request id')
  t.not(errors[0].reqId, errors[1].reqId, 'each with its own request\'s id')
})

t.test('at debug, a request\'s incoming and completed lines carry the same id, and the next request another', async t => {
  const { app, lines } = await logged(t, 'debug')
  for (let i = 0; i < 2; i++) await call(app, DEV.admin, { url: `/api-keys/${SEED.apiKeys.admin}` })
  const ids = (msg: string) => lines.filter(line => line.msg === msg).map(line => line.reqId)
  t.equal(ids('incoming request').length, 2)
  t.same(ids('request completed'), ids('incoming request'), 'each request\'s two lines share its id')
  t.not(ids('incoming request')[0], ids('incoming request')[1])
})

t.test('a request\'s logger changes its own level, not the app\'s, and its children keep its id', async t => {
  const { app, lines } = await logged(t, 'info')
  const log = lazyRequestLogger.call(app, app.log, { reqId: 'req-own' }, {}, {} as never)
  t.equal(log.level, 'info', 'it starts at the app\'s level')
  log.debug('hidden')
  log.level = 'debug'
  log.debug('shown')
  t.equal(log.level, 'debug')
  t.equal(app.log.level, 'info', 'the app\'s level is unchanged')
  log.child({ step: 'inner' }).warn('nested')
  t.same(lines.map(({ msg, reqId, step }) => ({ msg, reqId, step })), [
    { msg: 'shown', reqId: 'req-own', step: undefined },
    { msg: 'nested', reqId: 'req-own', step: 'inner' },
  ])
})
