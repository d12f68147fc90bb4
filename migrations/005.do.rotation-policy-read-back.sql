-- Keys' rotation policies are now read back, every field present: give those stored before their
-- missing fields (null), so that every stored policy has the shape the API answers.
UPDATE api_keys
SET rotation_policy = json_object(
  'rotation_period', json_extract(rotation_policy, '$.rotation_period'),
  'key_transition_period_ms', json_extract(rotation_policy, '$.key_transition_period_ms'),
  'next_rotation_at', json_extract(rotation_policy, '$.next_rotation_at'))
WHERE rotation_policy IS NOT NULL;
