// The one source of the current time inside the app. Status (`expired`), authentication, rotation
// transitions and usage resets depend on it, so tests move time instead of sleeping: through
// /__mock/clock, or by building the app on a clock of their own.
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

  /** Time stands still at `ms`. */
  set (ms: number): void {
    this.#frozenAt = ms
    this.#offset = 0
  }

  /** Time moves forward by `ms`, whether it runs or stands still. */
  advance (ms: number): void {
    if (this.#frozenAt === null) this.#offset += ms
    else this.#frozenAt += ms
  }

  freeze (): void { this.#frozenAt = this.now() }

  /** Back to the base clock's own time. */
  real (): void {
    this.#frozenAt = null
    this.#offset = 0
  }
}
