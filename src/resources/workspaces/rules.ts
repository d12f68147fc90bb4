import type { CreateWorkspaceRequest, UpdateWorkspaceRequest, WorkspaceUsageLimits } from '../../schemas/generated.js'
import { formatInstant, instantOf } from '../../time.js'
import { refuseBothResets } from '../api-keys/rules.js'
import type { Workspace } from './model.js'

type Settings = Pick<Workspace, 'icon' | 'description' | 'defaults_metadata' | 'input_guardrails' | 'output_guardrails' | 'user_api_key_config' | 'usage_limits' | 'rate_limits'>

/** The settings of a workspace being created, by the API or from a fixture: unset is null or empty. */
export function settingsOf (body: Omit<CreateWorkspaceRequest, 'users'>): Settings {
  return {
    icon: body.icon || null,
    description: body.description ?? null,
    defaults_metadata: body.defaults?.metadata ?? null,
    input_guardrails: body.defaults?.input_guardrails ?? [],
    output_guardrails: body.defaults?.output_guardrails ?? [],
    user_api_key_config: body.defaults?.user_api_key_config ?? null,
    usage_limits: usageLimitsOf(body.usage_limits),
    rate_limits: body.rate_limits ?? [],
  }
}

/** The workspace as an update leaves it: only the fields present change; null clears. */
export function applyUpdate (workspace: Workspace, body: UpdateWorkspaceRequest, now: number): Workspace {
  const next: Workspace = { ...workspace, last_updated_at: now }
  if (body.name !== undefined) next.name = body.name
  // An empty icon clears it (the Terraform provider sends "" for that).
  if (body.icon !== undefined) next.icon = body.icon === '' ? null : body.icon
  if (body.description !== undefined) next.description = body.description
  if (body.usage_limits !== undefined) next.usage_limits = usageLimitsOf(body.usage_limits)
  if (body.rate_limits !== undefined) next.rate_limits = body.rate_limits ?? []
  const defaults = body.defaults
  if (defaults?.metadata !== undefined) next.defaults_metadata = defaults.metadata
  if (defaults?.input_guardrails !== undefined) next.input_guardrails = defaults.input_guardrails
  if (defaults?.output_guardrails !== undefined) next.output_guardrails = defaults.output_guardrails
  if (defaults?.user_api_key_config !== undefined) next.user_api_key_config = defaults.user_api_key_config
  return next
}

/**
 * Usage limits as a workspace keeps them: each as sent, nothing invented, its date-time read back in
 * UTC to the millisecond; a reset by period and one by days at once are refused, as on a key.
 */
function usageLimitsOf (limits: readonly WorkspaceUsageLimits[] | null | undefined): WorkspaceUsageLimits[] {
  return (limits ?? []).map((limit, i) => {
    refuseBothResets(limit, `usage_limits[${i}]`)
    return limit.next_usage_reset_at == null ? limit : { ...limit, next_usage_reset_at: formatInstant(instantOf(limit.next_usage_reset_at)) }
  })
}
