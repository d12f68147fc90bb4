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

t.test('a deterministic seed implies --deterministic, unless deterministic is set to false', async t => {
  t.match(parseCommand(['--deterministic-seed', '7'], {}), { config: { deterministic: true, deterministicSeed: 7 } })
  t.match(parseCommand([], { PORTKEY_MOCK_DETERMINISTIC_SEED: '7' }), { config: { deterministic: true, deterministicSeed: 7 } })
  t.match(parseCommand(['--deterministic-seed', '7'], { PORTKEY_MOCK_DETERMINISTIC: 'false' }), { config: { deterministic: false } })
  t.match(parseCommand([], {}), { config: { deterministic: false } })
})

t.test('--help and --version', async t => {
  t.same(parseCommand(['--help'], {}), { kind: 'help' })
  t.same(parseCommand(['-v'], {}), { kind: 'version' })
  const help = helpText()
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
