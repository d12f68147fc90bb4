// The one source of the current time inside the app. Status (`expired`), authentication, rotation
// transitions and usage resets depend on it, so tests move time instead of sleeping: through
// /__mock/clock, or by building the app on a clock of their own.
import { badRequest, invalidField } from './errors.js'
import type { MockClockChange } from './schemas/generated.js'
import { formatInstant, instantOf, LATEST } from './time.js'

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** The app's clock: its base clock's time, shifted forward, or frozen at a moment. */
export class MockClock implements Clock {
  #offset = 0
  #frozenAt: number | null = null

  constructor (private readonly base: Clock = systemClock) {}

  now (): number { return this.#frozenAt ?? this.base.now() + this.#offset }
  get frozen (): boolean { return this.#frozenAt !== null }
  /** How far a running clock is ahead of its base. */
  get offset (): number { return this.#frozenAt === null ? this.#offset : 0 }
  /** Whether it reads the machine's own time, unmoved. */
  get machineTime (): boolean { return this.base === systemClock && this.#frozenAt === null && this.#offset === 0 }

  /** Time stands still at `ms`. The offset, unread while time stands still, goes when it runs again (real). */
  set (ms: number): void { this.#frozenAt = ms }

  /** Time moves forward by `ms`, whether it runs or stands still. */
  advance (ms: number): void {
    if (this.#frozenAt === null) this.#offset += ms
    else this.#frozenAt += ms
  }

  freeze (): void { this.#frozenAt = this.now() }

  /** A change as POST /__mock/clock takes it, its shape checked already: exactly one of its four. */
  change (change: MockClockChange): void {
    const given = (['set', 'advance_ms', 'freeze', 'real'] as const).filter(field => change[field] !== undefined)
    if (given.length !== 1) throw badRequest('Invalid body: send exactly one of set, advance_ms, freeze, real')
    if (change.set !== undefined) this.set(instantOf(change.set))
    else if (change.advance_ms !== undefined) {
      if (this.now() + change.advance_ms > LATEST) throw invalidField('advance_ms', `the clock would pass ${formatInstant(LATEST)}`)
      this.advance(change.advance_ms)
    } else if (change.freeze) this.freeze()
    else this.real()
  }

  /** Back to the base clock's own time. */
  real (): void {
    this.#frozenAt = null
    this.#offset = 0
  }
}
