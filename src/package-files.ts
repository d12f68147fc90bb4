// The package's own files (migrations, fixtures, the served contract, package.json), resolved from
// this one module, which sits directly under src/ and dist/. The bundled program
// (dist/portkey-mock.js) sits at that depth too, and every module in it shares its import.meta.url.
export const packageFile = (path: string): URL => new URL(`../${path}`, import.meta.url)
