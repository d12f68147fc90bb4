import { ESLint } from 'eslint'
import t from 'tap'

t.test('the whole tree passes the linter (npm run lint)', async t => {
  const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname })
  const results = await eslint.lintFiles(['.'])
  const problems = results.flatMap(result => result.messages.map(m => `${result.filePath}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`))
  t.same(problems, [], `${results.length} files linted`)
  t.ok(results.length > 30, 'and it found the tree')
})
