// The one source of the current time inside the app. Status (`expired`) and authentication depend on
// it, so a test, or a later test-control route, can move time by passing another Clock to buildApp.
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
