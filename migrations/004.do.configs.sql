-- Gateway configs of a workspace, and every version each update leaves behind.
CREATE TABLE configs (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
  slug            TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  is_default      INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  status          TEXT NOT NULL CHECK (status IN ('active', 'archived')),
  config          TEXT NOT NULL,
  version_id      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX configs_by_organisation ON configs (organisation_id, created_at, id);
CREATE INDEX configs_by_workspace ON configs (workspace_id, created_at, id);

CREATE TABLE config_versions (
  id         TEXT PRIMARY KEY,
  config_id  TEXT NOT NULL REFERENCES configs (id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  status     TEXT NOT NULL,
  config     TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX config_versions_by_config ON config_versions (config_id, created_at);

-- API keys are found by the config their defaults name, so a config in use is not deleted.
CREATE INDEX api_keys_by_config ON api_keys (defaults_config_id) WHERE defaults_config_id IS NOT NULL;
