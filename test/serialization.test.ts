import t from 'tap'
import { WorkspaceWithUsers } from '../src/schemas/generated.js'
import { serializerCompiler } from '../src/serialization.js'
import { build, call, DEV, SEED } from './helper.js'

const serializerOf = (schema: object) => serializerCompiler({ schema, method: 'GET', url: '/', httpStatus: '200' })

t.test('an answer is written as JSON.stringify writes the same value, its strings of one allowed value included', async t => {
  const app = await build(t)
  const served = (await call(app, DEV.admin, { url: `/v1/admin/workspaces/${SEED.workspaces.research.id}` })).body
  t.ok(served.users.length > 0 && served.users.every((user: { object: string }) => user.object === 'workspace-user'))
  t.equal(serializerOf(WorkspaceWithUsers)(served), JSON.stringify(served))
})

t.test('a string of one allowed value is written as that value: the contract\'s, whatever the handler held', async t => {
  const schema = {
    type: 'object',
    properties: { object: { type: 'string', enum: ['workspace'] }, kind: { type: 'string', enum: ['a', 'b'] }, maybe: { type: ['string', 'null'], enum: ['x', null] } },
  }
  const serialize = serializerOf(schema)
  t.equal(serialize({ object: 'workspace', kind: 'b', maybe: null }), '{"object":"workspace","kind":"b","maybe":null}')
  t.equal(serialize({ object: 'workspace "quoted"', kind: 'a "q"', maybe: 'x' }), '{"object":"workspace","kind":"a \\"q\\"","maybe":"x"}',
    'only the one-value string is the literal; others are escaped as given')
})
