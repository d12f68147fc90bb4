import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1]
type LogFn = FastifyBaseLogger['info']
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * A request's logger, made a child of the app's only when the request first logs. Fastify makes a
 * child for every request, and pino's child() serialises its bindings each time, where at the
 * shipped level a request logs nothing unless it fails. What it logs carries the request's id, as
 * the child's lines would.
 */
class RequestLogger {
  #child: FastifyBaseLogger | undefined

  constructor (readonly parent: FastifyBaseLogger, readonly bindings: Bindings, readonly options: ChildOptions) {}

  get logger (): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options)
    return this.#child
  }

  get level (): string { return (this.#child ?? this.parent).level }
  set level (level: string) { this.logger.level = level }

  child (bindings: Bindings, options?: ChildOptions): FastifyBaseLogger { return this.logger.child(bindings, options) }
}

// The log methods, on the prototype: Fastify checks a factory's logger for them on every request.
for (const level of LEVELS) {
  Object.defineProperty(RequestLogger.prototype, level, {
    value: function (this: RequestLogger, ...args: Parameters<LogFn>) { this.logger[level](...args) },
  })
}

/** Fastify's childLoggerFactory: each request's logger, made when first used. */
export const lazyRequestLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (parent, bindings, options) =>
  new RequestLogger(parent, bindings, options) as unknown as FastifyBaseLogger
