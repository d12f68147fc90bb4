import t from 'tap'
import { ConfigError, defaultConfig, helpText, parseCommand, SETTINGS } from '../src/config.js'

t.test('defaults: loopback, port 8788, in-memory store, the documented dev keys', async t => {
  const command = parseCommand([], {})
  t.same(command, { kind: 'serve', config: defaultConfig() })
  t.match(defaultConfig(), { host: '127.0.0.1', port: 8788, db: ':memory:', logLevel: 'info' })
})

t.test('a flag wins over the environment, which wins over the default', async t => {
  const env = { PORTKEY_MOCK_PORT: '9000', PORTKEY_MOCK_DB: '/tmp/env.db', PORTKEY_MOCK_ADMIN_API_KEY: 'from-the-environment' }
  const command = parseCommand(['--port', '9100', '--log-level', 'debug'], env)
  t.match(command, { kind: 'serve', config: { port: 9100, db: '/tmp/env.db', logLevel: 'debug', adminApiKey: 'from-the-environment' } })
})

t.test('bad settings are refused, each named by its flag and variable', async t => {
  t.throws(() => parseCommand(['--port', '70000'], {}), new ConfigError('Invalid configuration:\n  --port / PORTKEY_MOCK_PORT: must be <= 65535'))
  t.throws(() => parseCommand([], { PORTKEY_MOCK_PORT: 'eighty' }), /--port \/ PORTKEY_MOCK_PORT: must be integer/)
  t.throws(() => parseCommand(['--log-level', 'loud'], {}), /--log-level \/ PORTKEY_MOCK_LOG_LEVEL: .*\(fatal, error, warn, info, debug, trace, silent\)/)
  t.throws(() => parseCommand([], { PORTKEY_MOCK_USER_API_KEY: 'short' }), /PORTKEY_MOCK_USER_API_KEY: must NOT have fewer than 8 characters/)
  t.throws(() => parseCommand(['--nope'], {}), /Unknown option '--nope'/)
  t.throws(() => parseCommand(['stray'], {}), /Unexpected argument 'stray'/)
  t.throws(() => parseCommand(['--headers-timeout', '40000'], {}), new ConfigError('Invalid configuration:\n  --headers-timeout / PORTKEY_MOCK_HEADERS_TIMEOUT_MS: must not be longer than --request-timeout / PORTKEY_MOCK_REQUEST_TIMEOUT_MS (30000)'))
})

t.test('each number is taken up to its bound and refused one past it, naming the bound', async t => {
  const bounds: [string, string, string][] = [
    ['--port', '65535', 'must be <= 65535'], ['--port', '0', 'must be >= 0'],
    ['--journal-size', '100000', 'must be <= 100000'], ['--journal-size', '0', 'must be >= 0'],
    ['--deterministic-seed', '4294967295', 'must be <= 4294967295'],
    ['--request-timeout', '3600000', 'must be <= 3600000'], ['--headers-timeout', '1', 'must be >= 1'],
  ]
  for (const [flag, edge, rule] of bounds) {
    t.doesNotThrow(() => parseCommand([`${flag}=${edge}`], {}), `${flag} ${edge}`)
    const past = String(Number(edge) + (rule.includes('<=') ? 1 : -1))
    t.throws(() => parseCommand([`${flag}=${past}`], {}), { message: new RegExp(`^Invalid configuration:\n  ${flag} / PORTKEY_MOCK_[A-Z_]+: ${rule}$`) }, `${flag} ${past}`)
  }
  t.match(parseCommand(['--headers-timeout', '30000'], {}), { config: { headersTimeout: 30_000, requestTimeout: 30_000 } }, 'headers may take the whole request\'s time')
})

t.test('an empty host or store file is refused, naming the setting', async t => {
  t.throws(() => parseCommand(['--host='], {}), { message: /^Invalid configuration:\n {2}--host \/ PORTKEY_MOCK_HOST: must NOT have fewer than 1 characters$/ })
  t.throws(() => parseCommand([], { PORTKEY_MOCK_DB: '' }), { message: /^Invalid configuration:\n {2}--db \/ PORTKEY_MOCK_DB: must NOT have fewer than 1 characters$/ })
})

t.test('a deterministic seed implies --deterministic, unless deterministic is set to false', async t => {
  t.match(parseCommand(['--deterministic-seed', '7'], {}), { config: { deterministic: true, deterministicSeed: 7 } })
  t.match(parseCommand([], { PORTKEY_MOCK_DETERMINISTIC_SEED: '7' }), { config: { deterministic: true, deterministicSeed: 7 } })
  t.match(parseCommand(['--deterministic-seed', '7'], { PORTKEY_MOCK_DETERMINISTIC: 'false' }), { config: { deterministic: false } })
  t.match(parseCommand([], {}), { config: { deterministic: false } })
})

t.test('--help and --version', async t => {
  t.same(parseCommand(['--help'], {}), { kind: 'help' })
  t.same(parseCommand(['-h'], {}), { kind: 'help' })
  t.same(parseCommand(['-v'], {}), { kind: 'version' })
  const help = helpText()
  t.match(help, /PORTKEY_MOCK_ADMIN_TOKEN +Bearer token .* \[default: none\]/, 'an empty default reads as none')
  for (const setting of SETTINGS) {
    t.match(help, setting.env)
    if (setting.flag) t.match(help, `--${setting.flag}`)
  }
  // Every row's variable starts in the heading's column, however long its option.
  const lines = help.split('\n')
  const column = lines.find(line => line.trim().startsWith('option'))!.indexOf('environment variable')
  for (const setting of SETTINGS) {
    const line = lines.find(line => line.includes(` ${setting.env} `))!
    t.equal(line.indexOf(setting.env), column, `${setting.env} is in line`)
  }
})
