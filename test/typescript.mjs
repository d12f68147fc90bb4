// How the test files and the servers they spawn run TypeScript: tsx, except while tap collects
// coverage. tsx prints each module on one line, and V8's coverage mapped back from a line that ran
// at all marks every line of the file as run (privatenumber/tsx#433, #558): 100% whatever the tests
// do. Coverage runs take tap's own ts-node loader instead, slower but line for line, and without
// type-checking, as tap's plugin would set it (test/typecheck.test.ts runs tsc).
if (process.env.TAP_DISABLE_COVERAGE === '0') {
  process.env.TS_NODE_TRANSPILE_ONLY ??= '1'
  await import('@tapjs/typescript/import')
} else {
  await import('tsx')
}
