-- Emails, workspace slugs and config slugs are unique within an organisation, not across them, as
-- on Portkey: the same person can belong to two organisations, and two test tenants loaded from
-- one fixture hold the same emails and slugs. Each table is rebuilt (SQLite cannot drop a column's
-- UNIQUE), with its indexes.
CREATE TABLE users_new (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  email           TEXT NOT NULL,
  first_name      TEXT NOT NULL,
  last_name       TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  role            TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
  last_updated_at INTEGER NOT NULL DEFAULT 0,
  UNIQUE (organisation_id, email)
) STRICT;
INSERT INTO users_new (id, organisation_id, email, first_name, last_name, created_at, role, last_updated_at)
  SELECT id, organisation_id, email, first_name, last_name, created_at, role, last_updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_by_organisation_created ON users (organisation_id, created_at, id);

CREATE TABLE workspaces_new (
  id                  TEXT PRIMARY KEY,
  organisation_id     TEXT NOT NULL REFERENCES organisations (id),
  slug                TEXT NOT NULL,
  name                TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  description         TEXT,
  icon                TEXT,
  is_default          INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  defaults_metadata   TEXT,
  input_guardrails    TEXT NOT NULL DEFAULT '[]',
  output_guardrails   TEXT NOT NULL DEFAULT '[]',
  user_api_key_config TEXT,
  usage_limits        TEXT NOT NULL DEFAULT '[]',
  rate_limits         TEXT NOT NULL DEFAULT '[]',
  last_updated_at     INTEGER NOT NULL DEFAULT 0,
  UNIQUE (organisation_id, slug)
) STRICT;
INSERT INTO workspaces_new (id, organisation_id, slug, name, created_at, description, icon, is_default, defaults_metadata,
    input_guardrails, output_guardrails, user_api_key_config, usage_limits, rate_limits, last_updated_at)
  SELECT id, organisation_id, slug, name, created_at, description, icon, is_default, defaults_metadata,
    input_guardrails, output_guardrails, user_api_key_config, usage_limits, rate_limits, last_updated_at FROM workspaces;
DROP TABLE workspaces;
ALTER TABLE workspaces_new RENAME TO workspaces;
CREATE UNIQUE INDEX workspaces_default ON workspaces (organisation_id) WHERE is_default = 1;
CREATE INDEX workspaces_by_organisation_created ON workspaces (organisation_id, created_at, id);

CREATE TABLE configs_new (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
  slug            TEXT NOT NULL,
  name            TEXT NOT NULL,
  is_default      INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  status          TEXT NOT NULL CHECK (status IN ('active', 'archived')),
  config          TEXT NOT NULL,
  version_id      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL,
  UNIQUE (organisation_id, slug)
) STRICT;
INSERT INTO configs_new (id, organisation_id, workspace_id, slug, name, is_default, status, config, version_id, created_at, last_updated_at)
  SELECT id, organisation_id, workspace_id, slug, name, is_default, status, config, version_id, created_at, last_updated_at FROM configs;
DROP TABLE configs;
ALTER TABLE configs_new RENAME TO configs;
CREATE INDEX configs_by_organisation ON configs (organisation_id, created_at, id);
CREATE INDEX configs_by_workspace ON configs (workspace_id, created_at, id);
