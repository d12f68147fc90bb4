import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { RouteOptions } from 'fastify'
import t from 'tap'
import { parse } from 'yaml'
import { documentPath, fixtureSchemaPath, generate, generatedPath, generateFixtureSchema, outputs } from '../openapi/generate.js'
import { buildApp } from '../src/app.js'
import { defaultConfig } from '../src/config.js'
import { ConfigDetail, ConfigFields } from '../src/schemas/generated.js'
import { build, call } from './helper.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const source = readFileSync(documentPath, 'utf8')

t.test('openapi.yaml is a valid OpenAPI 3.0 document', async t => {
  const api = await SwaggerParser.validate(documentPath)
  t.match(api, { openapi: /^3\.0\./ })
})

t.test('every generated file is exactly what its source generates', async t => {
  t.equal(readFileSync(generatedPath, 'utf8'), generate(source), 'run `npm run generate` and commit the result')
  for (const [path, text] of outputs()) t.equal(readFileSync(path, 'utf8'), text, `${path}: run \`npm run generate\` and commit the result`)
})

t.test('fixtures/fixture.schema.json is exactly the document\'s Fixture, as JSON Schema', async t => {
  t.equal(readFileSync(fixtureSchemaPath, 'utf8'), generateFixtureSchema(source), 'run `npm run generate` and commit the result')
  const schema = JSON.parse(readFileSync(fixtureSchemaPath, 'utf8'))
  t.same(schema.definitions.FixtureApiKey.properties.scopes.items, { $ref: '#/definitions/Scope' }, 'references become definitions')
  t.same(schema.definitions.FixtureWorkspace.properties.description.type, ['string', 'null'], 'nullable becomes a type list')
  // As a user's validator reads it: Ajv in its default strict mode refuses a keyword it does not know.
  t.doesNotThrow(() => addFormats(new Ajv()).compile(schema), 'compiles under Ajv\'s strict mode')
})

t.test('the server serves the document, unchanged, at /openapi.json', async t => {
  const app = await build(t)
  const { status, body } = await call(app, undefined, { url: '/openapi.json' })
  t.equal(status, 200)
  t.same(body, parse(source))
})

t.test('the server has exactly the routes the document describes, at each of its servers', async t => {
  const app = buildApp(defaultConfig({ logLevel: 'silent' }))
  const served: string[] = []
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) served.push(`${method} ${route.url}`)
  })
  await app.ready()
  t.teardown(() => app.close())

  const doc = parse(source) as { servers: { url: string }[], paths: Record<string, Record<string, unknown> & { servers?: { url: string }[] }> }
  const described: string[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const server of item.servers ?? doc.servers) {
      for (const method of Object.keys(item).filter(k => k !== 'servers')) {
        const url = path.replace(/\{([\w-]+)\}/g, (_, name: string) => `:${name.replaceAll('-', '_')}`)
        described.push(`${method.toUpperCase()} ${server.url.replace(/\/$/, '')}${url}`)
      }
    }
  }
  t.same(served.sort(), described.sort())
})

t.test("the journal's operation filter takes exactly Portkey's operations, the ones it journals", async t => {
  type Operation = { operationId: string, tags?: string[], parameters?: { name: string, schema?: { enum?: string[] } }[] }
  const doc = parse(source) as { paths: Record<string, Record<string, Operation>> }
  const operations = Object.values(doc.paths).flatMap(item => Object.values(item).filter(op => typeof op === 'object' && 'operationId' in op))
  const portkey = operations.filter(op => !(op.tags ?? []).includes('Mock')).map(op => op.operationId)
  const filter = operations.find(op => op.operationId === 'listRequests')!.parameters!.find(parameter => parameter.name === 'operation_id')!
  t.ok(portkey.length > 30)
  t.same([...filter.schema!.enum!].sort(), portkey.sort())
})

t.test('the generator keeps what validation needs and refuses what it cannot translate', async t => {
  const doc = (schemas: string) => `openapi: 3.0.3
info: { title: t, version: '1' }
paths: {}
components:
  schemas:
${schemas}`
  const code = generate(doc(`    Thing:
      type: object
      required: [n]
      properties:
        n: { type: integer, minimum: 1, maximum: 9, nullable: true }
        s: { type: string, format: uuid, enum: [a, b] }
        m: { type: object, additionalProperties: { type: string } }
        r: { $ref: '#/components/schemas/Other' }
    Other: { type: array, items: { type: number }, maxItems: 3 }`))
  t.match(code, "export const Other = typed<TArray<TNumber>>({ type: 'array', items: { type: 'number' }, maxItems: 3 })")
  t.ok(code.indexOf('export const Other') < code.indexOf('export const Thing'), 'a referenced schema comes first')
  t.match(code, 'n: TUnsafe<Static<TInteger> | null>,', 'nullable: the type')
  t.match(code, "n: { type: ['integer', 'null'], minimum: 1, maximum: 9 },", 'nullable: a type list')
  t.match(code, "s: TOptional<TUnsafe<'a' | 'b'>>,")
  t.match(code, "s: { type: 'string', enum: ['a', 'b'], format: 'uuid' },")
  t.match(code, "m: { type: 'object', additionalProperties: { type: 'string' } },")
  t.match(code, 'r: TOptional<typeof Other>,', 'a reference: its type')
  t.match(code, 'r: Other,', 'a reference: the same object')
  t.match(code, "required: ['n']")
  t.equal(generate(doc('    X: { type: string }')), generate(doc('    X: { type: string }')), 'deterministic')
  t.throws(() => generate(doc('    X: { oneOf: [{ type: string }] }')), /keyword "oneOf" is not translated/)
  t.throws(() => generate(doc('    X: { type: string, uniqueItems: true }')), /keyword "uniqueItems"/)
  t.throws(() => generate(doc("    X: { $ref: '#/components/schemas/X' }")), /refers to itself/)
  t.match(generate(doc("    X: { type: string, pattern: '^a', x-pattern-rule: must start with a }")), "export const patternRules: Readonly<Record<string, string>> = { '^a': 'must start with a' }", 'a pattern\'s rule in words, by the pattern')
  t.throws(() => generate(doc("    X: { type: string, pattern: '^a' }")), /#\/components\/schemas\/X: a pattern and its x-pattern-rule go together/, 'a pattern without its rule')
  t.throws(() => generate(doc('    X: { type: string, x-pattern-rule: must start with a }')), /go together/, 'a rule without its pattern')
  t.throws(() => generate(doc("    X: { type: string, pattern: '^a', x-pattern-rule: must start with a }\n    Y: { type: string, pattern: '^a', x-pattern-rule: must begin with a }")), /Y: the pattern \^a has another x-pattern-rule elsewhere/)

  // An object extending another: the base spread into it, not restated.
  const extension = (more: string) => doc(`    Base:
      type: object
      required: [a]
      properties:
        a: { type: string }
    More:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [b]
          properties:
${more}`)
  const extended = generate(extension('            b: { type: integer }'))
  t.match(extended, "TObject<{\n  b: TInteger,\n} & (typeof Base)['properties']>", 'its type: its own properties and the base\'s')
  t.match(extended, '...Base.properties,', 'its properties: the base\'s spread')
  t.match(extended, "required: [...Base.required, 'b']")
  t.throws(() => generate(extension('            a: { type: string }\n            b: { type: integer }')), /allOf restates a of Base/)
})

t.test('the generated ConfigDetail is ConfigFields with success and data', async t => {
  t.same(Object.keys(ConfigDetail.properties), [...Object.keys(ConfigFields.properties), 'success', 'data'])
  t.same(ConfigDetail.required, [...ConfigFields.required!, 'success', 'data'])
  t.equal(ConfigDetail.properties.data, ConfigFields)
})

t.test("the stand-in's own routes need no key", async t => {
  const app = await build(t)
  t.equal((await call(app, undefined, { url: '/openapi.json' })).status, 200)
  t.same((await call(app, undefined, { url: '/__mock/health' })).body, { status: 'ok' })
})
