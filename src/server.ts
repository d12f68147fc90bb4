#!/usr/bin/env node
// The only module with side effects: reads the command line and environment, listens, and closes
// cleanly on SIGTERM/SIGINT (it runs as PID 1 in the container).
import { readFileSync } from 'node:fs'
import { buildApp } from './app.js'
import { ConfigError, helpText, parseCommand, SETTINGS, type Config } from './config.js'
import { FixtureError } from './fixtures/error.js'
import { listenOn } from './http.js'
import { releaseMemoryWhenIdle } from './idle.js'
import { packageFile } from './package-files.js'
import { hashSecret } from './secrets.js'

const CLOSE_TIMEOUT_MS = 10_000

function command () {
  try {
    return parseCommand(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`portkey-mock: ${error.message}\n`)
    process.exit(2)
  }
}

const BANNER_KEYS = 10

// Secrets go to stdout, not to the log: logs never carry a secret. Only keys that really
// authenticate are shown (a file database seeded earlier keeps the secrets it was seeded with).
function banner (app: ReturnType<typeof buildApp>, config: Config, url: string): string {
  const now = app.clock.now()
  const works = (secret: string) => app.store.apiKeys.findBySecret(hashSecret(secret), now)
  // Each key's type, secret, and where it comes from: its setting, or its name in the fixture.
  const rows = config.seed === ''
    ? (['adminApiKey', 'workspaceApiKey', 'userApiKey'] as const)
        .flatMap(key => {
          const found = works(config[key])
          return found ? [[found.type, config[key], `(${SETTINGS.find(s => s.key === key)!.env})`]] : []
        })
    : app.store.workingSeedKeys(now).map(({ key, secret }) => [key.type, secret, key.name])
  const shown = rows.slice(0, BANNER_KEYS)
  const width = Math.max(...shown.map(([, secret]) => secret.length))
  const keys = shown.map(([type, secret, source]) => `  ${type.padEnd(22)} ${secret.padEnd(width)}   ${source}`)
  return [
    `portkey-mock listening on ${url}`,
    `  SDK baseURL: ${url}/v1   store: ${config.db}   seed: ${config.seed || 'built-in'}${config.deterministic ? `   deterministic (seed ${config.deterministicSeed})` : ''}`,
    keys.length ? 'Keys (x-portkey-api-key):' : 'None of the seed\'s keys is in this store.',
    ...keys,
    ...(rows.length > BANNER_KEYS ? [`  ... and ${rows.length - BANNER_KEYS} more in ${config.seed}`] : []),
    config.adminToken === ''
      ? 'Test controls (/__mock/*) are open to anyone who can reach this port; set PORTKEY_MOCK_ADMIN_TOKEN to protect them.'
      : 'Test controls (/__mock/*) need Authorization: Bearer <the admin token>.',
    '',
  ].join('\n')
}

// A fixture that cannot be loaded stops the start, with every problem in it, before anything opens.
function build (config: Config) {
  try {
    return buildApp(config)
  } catch (error) {
    if (!(error instanceof FixtureError)) throw error
    process.stderr.write(`portkey-mock: cannot load ${config.seed || 'the built-in fixture'}: ${error.message}\n`)
    process.exit(2)
  }
}

const parsed = command()
if (parsed.kind === 'help') {
  process.stdout.write(helpText())
} else if (parsed.kind === 'version') {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }
  process.stdout.write(`${pkg.version}\n`)
} else {
  const { config } = parsed
  const app = build(config)
  let closing = false
  const close = async (signal: NodeJS.Signals) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'closing')
    setTimeout(() => {
      app.log.error('did not close in time; exiting')
      process.exit(1)
    }, CLOSE_TIMEOUT_MS).unref()
    await app.close()
  }
  process.once('SIGTERM', close)
  process.once('SIGINT', close)
  try {
    const address = await listenOn(app, config.host, config.port, '--port 0')
    process.stdout.write(banner(app, config, address))
    // This process is the stand-in's own, so it may drive V8's collector (see idle.ts).
    releaseMemoryWhenIdle()
  } catch (error) {
    app.log.fatal({ err: error }, 'could not start')
    process.stderr.write(`portkey-mock: ${(error as Error).message}\n`)
    await app.close()
    process.exitCode = 1
  }
}
