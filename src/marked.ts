/**
 * Makes `instanceof` hold for an error class the package exports across its two builds, ESM and
 * CommonJS, each of which holds a copy of the class: by a mark on the class's prototype, registered
 * process-wide (Symbol.for), rather than by which copy's prototype it is. Code that both imports and
 * requires the package then catches either's errors.
 */
export function markAcrossBuilds (type: abstract new (...args: never[]) => Error, name: string): void {
  const mark = Symbol.for(`portkey-mock.${name}`)
  Object.defineProperty(type.prototype, mark, { value: true })
  Object.defineProperty(type, Symbol.hasInstance, { value: (value: unknown) => typeof value === 'object' && value !== null && mark in value })
}
