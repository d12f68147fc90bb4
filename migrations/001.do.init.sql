-- Organisations own workspaces, users and API keys (CONFORMANCE §8).
-- Timestamps are integer milliseconds since the epoch (UTC); JSON columns hold the API's own shapes.

CREATE TABLE organisations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE workspaces (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  slug            TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX workspaces_by_organisation ON workspaces (organisation_id);

CREATE TABLE users (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  email           TEXT NOT NULL UNIQUE,
  first_name      TEXT NOT NULL,
  last_name       TEXT NOT NULL,
  created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX users_by_organisation ON users (organisation_id);

CREATE TABLE api_keys (
  id                    TEXT PRIMARY KEY,
  organisation_id       TEXT NOT NULL REFERENCES organisations (id),
  workspace_id          TEXT REFERENCES workspaces (id),
  user_id               TEXT REFERENCES users (id),
  type                  TEXT NOT NULL CHECK (type IN ('organisation-service', 'workspace-service', 'workspace-user')),
  name                  TEXT NOT NULL,
  description           TEXT,
  masked_key            TEXT NOT NULL,
  -- 'expired' is not stored: it is derived from expires_at and the clock when a key is read.
  status                TEXT NOT NULL CHECK (status IN ('active', 'exhausted')),
  creation_mode         TEXT NOT NULL CHECK (creation_mode IN ('ui', 'api', 'auto')),
  rate_limits           TEXT NOT NULL DEFAULT '[]',
  usage_limits          TEXT,
  reset_usage           REAL,
  expires_at            INTEGER,
  last_reset_at         INTEGER,
  alert_emails          TEXT,
  expiry_enforced       INTEGER NOT NULL DEFAULT 0 CHECK (expiry_enforced IN (0, 1)),
  allow_config_override INTEGER CHECK (allow_config_override IN (0, 1)),
  api_key_defaults_id   TEXT,
  scopes                TEXT NOT NULL DEFAULT '[]',
  defaults_metadata     TEXT,
  defaults_config_id    TEXT,
  rotation_policy       TEXT,
  created_at            INTEGER NOT NULL,
  last_updated_at       INTEGER NOT NULL,
  CHECK ((type = 'organisation-service') = (workspace_id IS NULL)),
  CHECK ((type = 'workspace-user') = (user_id IS NOT NULL))
) STRICT;

-- A page of a list walks one of these backwards from its start, so its cost does not grow with
-- the number of keys (the offset aside).
CREATE INDEX api_keys_by_organisation ON api_keys (organisation_id, created_at, id);
CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id, created_at, id);

-- Digests of the secrets that authenticate a key: one while it is settled, two during a rotation's
-- transition, when the old one carries the moment it stops being accepted.
CREATE TABLE api_key_secrets (
  key_hash   BLOB PRIMARY KEY,
  api_key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  expires_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX api_key_secrets_by_api_key ON api_key_secrets (api_key_id);

-- Counts of keys by organisation, workspace ('' for organisation keys) and type, kept by triggers,
-- so that a list's `total` costs the same at a hundred keys and at a million.
CREATE TABLE api_key_tallies (
  organisation_id TEXT NOT NULL,
  workspace_id    TEXT NOT NULL,
  type            TEXT NOT NULL,
  total           INTEGER NOT NULL CHECK (total >= 0),
  PRIMARY KEY (organisation_id, workspace_id, type)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER api_keys_tally_insert AFTER INSERT ON api_keys BEGIN
  INSERT INTO api_key_tallies (organisation_id, workspace_id, type, total)
  VALUES (NEW.organisation_id, coalesce(NEW.workspace_id, ''), NEW.type, 1)
  ON CONFLICT (organisation_id, workspace_id, type) DO UPDATE SET total = total + 1;
END;

CREATE TRIGGER api_keys_tally_delete AFTER DELETE ON api_keys BEGIN
  UPDATE api_key_tallies SET total = total - 1
  WHERE organisation_id = OLD.organisation_id AND workspace_id = coalesce(OLD.workspace_id, '') AND type = OLD.type;
END;
