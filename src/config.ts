import { parseArgs } from 'node:util'
import { Ajv } from 'ajv'
import { exportError } from './exported-errors.js'
import { MIN_SECRET_LENGTH } from './secrets.js'

// Every setting, once: its schema and default, its flag and environment variable, and its help text.
// A flag wins over the environment, which wins over the default.
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const secret = (fallback: string) => ({ type: 'string', minLength: MIN_SECRET_LENGTH, default: fallback }) as const

// Plain JSON Schema, so that reading the command line loads no schema builder.
const PROPERTIES = {
  host: { type: 'string', minLength: 1, default: '127.0.0.1' },
  port: { type: 'integer', minimum: 0, maximum: 65535, default: 8788 },
  db: { type: 'string', minLength: 1, default: ':memory:' },
  logLevel: { type: 'string', enum: LOG_LEVELS, default: 'info' },
  headersTimeout: { type: 'integer', minimum: 1, maximum: 3_600_000, default: 10_000 },
  requestTimeout: { type: 'integer', minimum: 1, maximum: 3_600_000, default: 30_000 },
  journalSize: { type: 'integer', minimum: 0, maximum: 100_000, default: 1000 },
  // Empty: the built-in fixture.
  seed: { type: 'string', default: '' },
  deterministic: { type: 'boolean', default: false },
  deterministicSeed: { type: 'integer', minimum: 0, maximum: 4_294_967_295, default: 0 },
  adminApiKey: secret('admin-dev-key-portkey-mock-000001'),
  workspaceApiKey: secret('workspace-dev-key-portkey-mock-0002'),
  userApiKey: secret('user-dev-key-portkey-mock-000003'),
  // Empty: the /__mock routes are open.
  adminToken: { type: 'string', default: '' },
} as const

type ValueOf<S> = S extends { enum: readonly (infer V)[] } ? V : S extends { type: 'integer' } ? number : S extends { type: 'boolean' } ? boolean : string
export type Config = { -readonly [K in keyof typeof PROPERTIES]: ValueOf<typeof PROPERTIES[K]> }

interface Setting {
  key: keyof Config
  flag?: string
  /** A flag that takes no value. */
  boolean?: true
  env: string
  help: string
}

// Secrets have no flag: a flag's value shows in `ps` and in shell history.
export const SETTINGS: Setting[] = [
  { key: 'host', flag: 'host', env: 'PORTKEY_MOCK_HOST', help: 'Address to listen on (0.0.0.0 in the container)' },
  { key: 'port', flag: 'port', env: 'PORTKEY_MOCK_PORT', help: 'Port to listen on (0 picks a free one)' },
  { key: 'db', flag: 'db', env: 'PORTKEY_MOCK_DB', help: 'SQLite file to keep the store in (WAL); :memory: starts afresh each time' },
  { key: 'logLevel', flag: 'log-level', env: 'PORTKEY_MOCK_LOG_LEVEL', help: `One of ${LOG_LEVELS.join(', ')}` },
  { key: 'headersTimeout', flag: 'headers-timeout', env: 'PORTKEY_MOCK_HEADERS_TIMEOUT_MS', help: 'Milliseconds a client may take to send the headers (then 408)' },
  { key: 'requestTimeout', flag: 'request-timeout', env: 'PORTKEY_MOCK_REQUEST_TIMEOUT_MS', help: 'Milliseconds a client may take to send a whole request, body included (then 408)' },
  { key: 'journalSize', flag: 'journal-size', env: 'PORTKEY_MOCK_JOURNAL_SIZE', help: 'Requests the journal (GET /__mock/requests) keeps; 0 keeps none' },
  { key: 'seed', flag: 'seed', env: 'PORTKEY_MOCK_SEED', help: 'Fixture file (YAML or JSON, see fixtures/fixture.schema.json) to load instead of the built-in store' },
  { key: 'deterministic', flag: 'deterministic', boolean: true, env: 'PORTKEY_MOCK_DETERMINISTIC', help: 'Reproducible ids and secrets, and a clock frozen at 2026-01-01T00:00:00Z (true/false)' },
  { key: 'deterministicSeed', flag: 'deterministic-seed', env: 'PORTKEY_MOCK_DETERMINISTIC_SEED', help: 'Seed of the reproducible ids and secrets; implies --deterministic' },
  { key: 'adminApiKey', env: 'PORTKEY_MOCK_ADMIN_API_KEY', help: 'Secret of the seeded organisation admin key' },
  { key: 'workspaceApiKey', env: 'PORTKEY_MOCK_WORKSPACE_API_KEY', help: 'Secret of the seeded workspace-service key' },
  { key: 'userApiKey', env: 'PORTKEY_MOCK_USER_API_KEY', help: 'Secret of the seeded workspace-user key' },
  { key: 'adminToken', flag: 'admin-token', env: 'PORTKEY_MOCK_ADMIN_TOKEN', help: 'Bearer token every /__mock route but health then needs (prefer the variable: a flag shows in ps)' },
]

export class ConfigError extends Error {}
exportError(ConfigError, 'ConfigError')

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'serve', config: Config }

// validateSchema off: checking this fixed schema against the meta-schema would cost a start more
// than everything else it does before it loads the app.
const ajvOptions = { useDefaults: true, allErrors: true, validateSchema: false } as const
// Flags and the environment are text, coerced to each setting's type.
const check = new Ajv({ ...ajvOptions, coerceTypes: true }).compile<Config>({ type: 'object', properties: PROPERTIES })
// Settings given in code are taken as their type is, so that `db: 5` is refused rather than read as
// the file 5. Compiled when first needed: a start from the command line never is.
let checkTyped: typeof check | undefined

/**
 * The defaults, with some settings replaced, each refused unless of its setting's type; what the
 * package's import, tests and the benchmark build apps from. `describe` names a setting as the caller
 * knows it; `problems`, found by the caller, are listed with the settings' own.
 */
export function defaultConfig (overrides: Partial<Config> = {}, describe = (key: string) => key, problems: string[] = []): Config {
  checkTyped ??= new Ajv(ajvOptions).compile<Config>({ type: 'object', properties: PROPERTIES })
  return validate({ ...overrides }, describe, checkTyped, problems)
}

export function parseCommand (argv: string[], env: NodeJS.ProcessEnv): Command {
  const options: Record<string, { type: 'string' | 'boolean', short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  }
  for (const setting of SETTINGS) if (setting.flag) options[setting.flag] = { type: setting.boolean ? 'boolean' : 'string' }
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values as typeof values
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\nRun with --help to see the options.`)
  }
  if (values.help) return { kind: 'help' }
  if (values.version) return { kind: 'version' }

  const raw: Record<string, unknown> = {}
  for (const setting of SETTINGS) {
    const fromFlag = setting.flag ? values[setting.flag] : undefined
    const value = fromFlag ?? env[setting.env]
    if (value !== undefined) raw[setting.key] = value
  }
  if (raw.deterministicSeed !== undefined && raw.deterministic === undefined) raw.deterministic = true
  const describe = (key: string) => {
    const setting = SETTINGS.find(s => s.key === key)
    return setting ? [setting.flag && `--${setting.flag}`, setting.env].filter(Boolean).join(' / ') : key
  }
  return { kind: 'serve', config: validate(raw, describe, check) }
}

// Fills defaults, and names every bad setting.
function validate (candidate: Record<string, unknown>, describe: (key: string) => string, checked: typeof check, problems: string[] = []): Config {
  const lines = problems.map(problem => `  ${problem}`)
  if (!checked(candidate)) {
    for (const e of checked.errors ?? []) {
      const allowed = e.params.allowedValues as unknown[] | undefined
      lines.push(`  ${describe(e.instancePath.slice(1))}: ${e.message}${allowed ? ` (${allowed.join(', ')})` : ''}`)
    }
  }
  // Node refuses a headers timeout longer than the request timeout that includes it.
  const { headersTimeout, requestTimeout } = candidate as Partial<Config>
  if (lines.length === 0 && headersTimeout! > requestTimeout!) {
    lines.push(`  ${describe('headersTimeout')}: must not be longer than ${describe('requestTimeout')} (${requestTimeout})`)
  }
  if (lines.length === 0) return candidate as Config
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}

export function helpText (): string {
  const rows: Array<[string, string, string]> = [
    ['option', 'environment variable', 'meaning'],
    ...SETTINGS.map((s): [string, string, string] => {
      const fallback = PROPERTIES[s.key].default
      return [s.flag ? `--${s.flag}${s.boolean ? '' : ' <value>'}` : '(environment only)', s.env, `${s.help} [default: ${fallback === '' ? 'none' : fallback}]`]
    }),
    ['-h, --help', '', 'Show this help'],
    ['-v, --version', '', 'Show the version'],
  ]
  // Each column as wide as its longest entry, so that a new setting cannot push its row out of line.
  const widths = [0, 1].map(column => Math.max(...rows.map(row => row[column].length)))
  return [
    'Usage: portkey-mock [options]',
    '',
    'A local stand-in for Portkey\'s control-plane admin API (API keys, workspaces, members, users, invites, configs), on a seeded SQLite store.',
    '',
    ...rows.map(([option, env, meaning]) => `  ${option.padEnd(widths[0])} ${env.padEnd(widths[1])} ${meaning}`),
    '',
  ].join('\n')
}
