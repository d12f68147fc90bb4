/**
 * Readies an error class the package exports. It is named, so that a stack and a test runner's
 * report say `PortkeyError: ...`, not `Error: ...`. And `instanceof` holds across the package's two
 * builds, ESM and CommonJS, each of which holds a copy of the class: by a mark on the class's
 * prototype, registered process-wide (Symbol.for), rather than by which copy's prototype it is, so
 * that code that both imports and requires the package catches either's errors.
 */
export function exportError (type: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(type.prototype, 'name', { value: name, writable: true, configurable: true })
  const mark = Symbol.for(`portkey-mock.${name}`)
  Object.defineProperty(type.prototype, mark, { value: true })
  Object.defineProperty(type, Symbol.hasInstance, { value: (value: unknown) => typeof value === 'object' && value !== null && mark in value })
}
