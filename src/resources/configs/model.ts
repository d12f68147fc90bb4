import { table } from '../../db/table.js'
import type { ConfigDetail, ConfigFields, ConfigStatus, ConfigSummary, ConfigVersion as ConfigVersionObject } from '../../schemas/generated.js'
import { formatInstant } from '../../time.js'

// The only type Portkey's record shows a config with.
const CONFIG_TYPE = 'ORG_CONFIG'

/** A config as the store holds it, at its latest version. */
export interface Config {
  id: string
  organisation_id: string
  workspace_id: string
  slug: string
  name: string
  is_default: 0 | 1
  status: ConfigStatus
  config: Record<string, unknown>
  version_id: string
  created_at: number
  last_updated_at: number
}

export const configsTable = table<Config>('configs', {
  id: 'value', organisation_id: 'value', workspace_id: 'value', slug: 'value', name: 'value', is_default: 'value',
  status: 'value', config: 'json', version_id: 'value', created_at: 'value', last_updated_at: 'value',
})

/** What one create or update saved. */
export interface ConfigVersion {
  id: string
  config_id: string
  name: string
  status: ConfigStatus
  config: Record<string, unknown>
  created_at: number
}

export const versionsTable = table<ConfigVersion>('config_versions', {
  id: 'value', config_id: 'value', name: 'value', status: 'value', config: 'json', created_at: 'value',
})

/** The version a config's current state is. */
export const versionOf = (config: Config): ConfigVersion => ({
  id: config.version_id, config_id: config.id, name: config.name, status: config.status, config: config.config, created_at: config.last_updated_at,
})

export function toConfigSummary (config: Config): ConfigSummary {
  return {
    id: config.id,
    slug: config.slug,
    name: config.name,
    workspace_id: config.workspace_id,
    organisation_id: config.organisation_id,
    is_default: config.is_default,
    status: config.status,
    owner_id: null,
    updated_by: null,
    created_at: formatInstant(config.created_at),
    last_updated_at: formatInstant(config.last_updated_at),
    object: 'config',
  }
}

const toConfigFields = (config: Config): ConfigFields => {
  const { object, ...summary } = toConfigSummary(config)
  return { ...summary, config: config.config, format: 'json', type: CONFIG_TYPE, version_id: config.version_id, object }
}

/** At the top level, as the Terraform provider reads it, and under `data`, as Portkey's document shows it. */
export function toConfigDetail (config: Config): ConfigDetail {
  const fields = toConfigFields(config)
  return { ...fields, success: true, data: fields }
}

/** The config as the version saved it, its id the config's and its `version_id` the version's, as Portkey's document shows one. */
export function toConfigVersion (config: Config, version: ConfigVersion): ConfigVersionObject {
  const { object, ...summary } = toConfigSummary(config)
  return {
    ...summary,
    name: version.name,
    status: version.status,
    last_updated_at: formatInstant(version.created_at),
    config: JSON.stringify(version.config),
    format: 'json',
    type: CONFIG_TYPE,
    version_id: version.id,
    object,
  }
}
