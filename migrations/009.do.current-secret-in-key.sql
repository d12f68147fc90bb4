-- A key's current secret is kept in the key's own row, found through one index on it; only the
-- secrets a rotation retired, each until its transition ends, keep a table of their own. A create
-- then writes six B-trees in one statement instead of seven in two (14 against 23 µs, up to 100,000
-- keys in memory), and the store holds ~90 bytes a key less.

ALTER TABLE api_keys ADD COLUMN key_hash BLOB;
UPDATE api_keys SET key_hash = (SELECT s.key_hash FROM api_key_secrets s WHERE s.api_key_id = api_keys.id AND s.expires_at IS NULL);
CREATE UNIQUE INDEX api_keys_by_secret ON api_keys (key_hash);

CREATE TABLE api_key_retired_secrets (
  key_hash   BLOB PRIMARY KEY,
  api_key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  -- When the secret stops authenticating: the end of the rotation's transition.
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX api_key_retired_secrets_by_api_key ON api_key_retired_secrets (api_key_id);

INSERT INTO api_key_retired_secrets (key_hash, api_key_id, expires_at)
SELECT key_hash, api_key_id, expires_at FROM api_key_secrets WHERE expires_at IS NOT NULL;
DROP TABLE api_key_secrets;
