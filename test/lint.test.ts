// The linter runs in a process of its own: in the test's, the TypeScript loader would also
// resolve the linter's own imports, which it cannot all do.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

t.test('the whole tree passes the linter (npm run lint)', async t => {
  const eslint = fileURLToPath(new URL('../node_modules/.bin/eslint', import.meta.url))
  const result = spawnSync(eslint, ['--format', 'json', '.'], { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) })
  const results = JSON.parse(result.stdout || '[]') as Array<{ filePath: string, messages: Array<{ line: number, column: number, ruleId: string | null, message: string }> }>
  const problems = results.flatMap(file => file.messages.map(m => `${file.filePath}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`))
  t.same(problems, [], `${results.length} files linted`)
  t.equal(result.status, 0, result.stderr || 'eslint exits 0')
  t.ok(results.length > 30, 'and it found the tree')
})
