import { table } from '../../db/table.js'
import type { Workspace as WorkspaceObject, WorkspaceMember, WorkspaceRateLimit, WorkspaceUsageLimits, WorkspaceWithUsers } from '../../schemas/generated.js'
import { formatInstant } from '../../time.js'

/** A workspace as the store holds it, a field a column; timestamps in epoch milliseconds. */
export interface Workspace {
  id: string
  organisation_id: string
  slug: string
  name: string
  icon: string | null
  description: string | null
  is_default: 0 | 1
  defaults_metadata: Record<string, string> | null
  input_guardrails: string[]
  output_guardrails: string[]
  user_api_key_config: string | null
  usage_limits: WorkspaceUsageLimits[]
  rate_limits: WorkspaceRateLimit[]
  created_at: number
  last_updated_at: number
}

export const workspacesTable = table<Workspace>('workspaces', {
  id: 'value', organisation_id: 'value', slug: 'value', name: 'value', icon: 'value', description: 'value',
  is_default: 'value', defaults_metadata: 'json', input_guardrails: 'json', output_guardrails: 'json',
  user_api_key_config: 'value', usage_limits: 'json', rate_limits: 'json', created_at: 'value', last_updated_at: 'value',
})

/** A workspace with every field it was not given at its default. */
export function newWorkspace (fields: Pick<Workspace, 'id' | 'organisation_id' | 'slug' | 'name' | 'created_at'> & Partial<Workspace>): Workspace {
  return {
    icon: null,
    description: null,
    is_default: 0,
    defaults_metadata: null,
    input_guardrails: [],
    output_guardrails: [],
    user_api_key_config: null,
    usage_limits: [],
    rate_limits: [],
    last_updated_at: fields.created_at,
    ...fields,
  }
}

/** The one mapping from the store to Portkey's Workspace. The live API puts the icon before the name. */
export function toWorkspaceObject (workspace: Workspace): WorkspaceObject {
  return {
    id: workspace.id,
    slug: workspace.slug,
    name: workspace.icon ? `${workspace.icon} ${workspace.name}` : workspace.name,
    icon: workspace.icon,
    description: workspace.description,
    created_at: formatInstant(workspace.created_at),
    last_updated_at: formatInstant(workspace.last_updated_at),
    defaults: {
      metadata: workspace.defaults_metadata,
      is_default: workspace.is_default,
      input_guardrails: workspace.input_guardrails,
      output_guardrails: workspace.output_guardrails,
      user_api_key_config: workspace.user_api_key_config,
      object: 'workspace',
    },
    usage_limits: workspace.usage_limits,
    rate_limits: workspace.rate_limits,
    object: 'workspace',
  }
}

// The serialiser writes fields in the contract's order, so users can simply be added.
export function toWorkspaceWithUsers (workspace: Workspace, users: WorkspaceMember[]): WorkspaceWithUsers {
  return Object.assign(toWorkspaceObject(workspace), { users })
}
