import { readFileSync } from 'node:fs'
import swagger, { type StaticDocumentSpec } from '@fastify/swagger'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { MockClock, systemClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import store from './db/store.js'
import type { OrganisationPlan } from './fixtures/plan.js'
import { loadSeed } from './fixtures/seed.js'
import { cryptoRandom, seededRandom, type Random } from './random.js'
import { parseJsonBodies } from './body.js'
import { errorHandler, MAX_PARAM_LENGTH, notFoundHandler } from './errors.js'
import { Faults } from './faults.js'
import { answerInEnvelope, clientErrorHandler, requireAdminToken, serverOptions } from './http.js'
import { keepJournal } from './journal.js'
import { packageFile } from './package-files.js'
import { lazyRequestLogger } from './request-log.js'
import { serializerCompiler } from './serialization.js'
import { validatorCompiler } from './validation.js'
import portkey from './routes/portkey.js'
import mock from './routes/mock.js'
import mockStore from './routes/mock-store.js'

declare module 'fastify' {
  interface FastifyInstance {
    clock: MockClock
    random: Random
    faults: Faults
  }
}

/** Where a --deterministic server's clock stands until a test moves it. */
export const DETERMINISTIC_START = Date.parse('2026-01-01T00:00:00.000Z')

// The document as the generator wrote it in JSON (parsing the YAML would take longer than the rest
// of a start), read once for every app of the process.
let document: StaticDocumentSpec['document'] | undefined
const servedDocument = () => (document ??= JSON.parse(readFileSync(packageFile('openapi/openapi.json'), 'utf8')) as StaticDocumentSpec['document'])

export interface AppOptions {
  clock?: Clock
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream
  /** The organisations to seed the store with, planned already; by default config.seed's (or the built-in fixture's). */
  seed?: readonly OrganisationPlan[]
}

// Builds the app without listening and without touching process state, so that a test can build
// as many independent servers as it likes. app.close() closes everything it opened. A bad fixture
// throws a FixtureError naming every problem, before anything is opened.
export function buildApp (config: Config, { clock = systemClock, logStream, seed }: AppOptions = {}): FastifyInstance {
  const random = config.deterministic ? seededRandom(config.deterministicSeed) : cryptoRandom
  const mockClock = new MockClock(clock)
  if (config.deterministic) mockClock.set(DETERMINISTIC_START)
  const organisations = seed ?? loadSeed(config, { random, now: mockClock.now() })

  const logger: FastifyServerOptions['logger'] = {
    level: config.logLevel,
    // Fastify's request serialiser logs no headers; this keeps a secret out even if one is added.
    redact: { paths: ['req.headers["x-portkey-api-key"]', 'req.headers.authorization'], censor: '[redacted]' },
    ...(logStream ? { stream: logStream } : {}),
  }
  const app = Fastify({
    logger,
    // Two log lines a request, written synchronously, cost a read a sixth of its time. At the
    // shipped `info` the request journal (GET /__mock/requests) holds what a test needs of each
    // request; `debug` and `trace` log every one as well.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    childLoggerFactory: lazyRequestLogger,
    // A base URL given with a trailing slash makes `//api-keys` in clients that concatenate.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    // Only the methods the document lists: no implicit HEAD twin of every GET.
    exposeHeadRoutes: false,
    // While closing, in-flight and late requests are still answered in Portkey's shape rather than
    // with the framework's own 503 body.
    return503OnClosing: false,
    // The router's own refusals (a malformed %-escape, an over-long path segment) in Portkey's shape.
    frameworkErrors: errorHandler,
    clientErrorHandler,
    http: serverOptions(config),
    requestTimeout: config.requestTimeout,
  })
  answerInEnvelope(app)
  requireAdminToken(app, config.adminToken)
  keepJournal(app, config.journalSize)

  app.decorate('clock', mockClock)
  app.decorate('random', random)
  app.decorate('faults', new Faults())
  app.decorateRequest('caller', null as never)
  app.decorateRequest('operationId', null)
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)

  parseJsonBodies(app)

  app.register(swagger, { mode: 'static', specification: { document: servedDocument() } })
  app.register(store, { path: config.db, seed: organisations })
  app.register(portkey)
  app.register(mock)
  app.register(mockStore)
  return app
}
