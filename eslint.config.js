// The Fastify team's shared style (neostandard: standard's rules for TypeScript and ESLint 9), with
// three rules set to how this project writes.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**'] }),
  {
    rules: {
      // Portkey's fields are snake_case, and code names them in Portkey's own words.
      camelcase: 'off',
      // A long object literal keeps related properties together on one line.
      '@stylistic/object-property-newline': 'off',
      // A TypeBox schema and its static type share a name: `const X = Type.Object(...)`, `type X = Static<typeof X>`.
      '@typescript-eslint/no-redeclare': 'off',
    },
  },
]
