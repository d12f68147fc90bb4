// The helper checks every response as the Terraform provider decodes it; this shows the check bites.
import t from 'tap'
import { contract } from './helper.js'

const key = {
  id: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000001', key: 'ab*****xyz', name: 'n', description: null, type: 'organisation-service',
  organisation_id: '8f2b6c1e-3d4a-4b5c-9e6f-7a8b9c0d1e2f', workspace_id: null, user_id: null, status: 'active',
  created_at: '2026-05-03T17:08:55.000Z', last_updated_at: '2026-05-03T17:08:55.000Z', creation_mode: 'api',
  rate_limits: [], usage_limits: null, reset_usage: null, expires_at: null, last_reset_at: null, alert_emails: null,
  expiry_enforced: 0, allow_config_override: null, api_key_defaults_id: null, scopes: [],
  defaults: { metadata: null, config_id: null }, rotation_policy: null, object: 'api-key',
}
const check = (body: object) => contract.violations('retrieveApiKey', 200, 'application/json', JSON.stringify(body))

t.test('a conforming object passes', async t => {
  t.same(check(key), [])
  t.same(check({ ...key, expires_at: '2026-05-03T17:08:55Z', defaults: { metadata: { a: 'b' }, config_id: 'c' }, allow_config_override: 1 }), [])
})

t.test('what the provider would refuse is a violation', async t => {
  t.not(check({ ...key, expires_at: '' }).length, 0, 'an empty timestamp')
  t.not(check({ ...key, created_at: '2026-05-03 17:08:55' }).length, 0, 'not RFC 3339')
  t.not(check({ ...key, rate_limits: [{ type: 'requests', unit: 'rpm', value: 1.5 }] }).length, 0, 'a fractional limit')
  t.not(check({ ...key, allow_config_override: true }).length, 0, 'a boolean override')
  t.not(check({ ...key, defaults: { metadata: { a: 1 }, config_id: null } }).length, 0, 'a number in metadata')
  t.not(check({ ...key, rotation_policy: { rotation_period: 'weekly', key_transition_period_ms: null, next_rotation_at: '' } }).length, 0, 'an empty next rotation')
  const { scopes: _, ...missing } = key
  t.not(check(missing).length, 0, 'a missing field')
})
