-- Workspaces as Portkey describes them, users' roles in the organisation, and workspace members.

ALTER TABLE workspaces ADD COLUMN description TEXT;
ALTER TABLE workspaces ADD COLUMN icon TEXT;
-- The organisation's default workspace, which cannot be deleted (at most one per organisation).
ALTER TABLE workspaces ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1));
ALTER TABLE workspaces ADD COLUMN defaults_metadata TEXT;
ALTER TABLE workspaces ADD COLUMN input_guardrails TEXT NOT NULL DEFAULT '[]';
ALTER TABLE workspaces ADD COLUMN output_guardrails TEXT NOT NULL DEFAULT '[]';
ALTER TABLE workspaces ADD COLUMN user_api_key_config TEXT;
ALTER TABLE workspaces ADD COLUMN usage_limits TEXT NOT NULL DEFAULT '[]';
ALTER TABLE workspaces ADD COLUMN rate_limits TEXT NOT NULL DEFAULT '[]';
ALTER TABLE workspaces ADD COLUMN last_updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE workspaces SET last_updated_at = created_at;
CREATE UNIQUE INDEX workspaces_default ON workspaces (organisation_id) WHERE is_default = 1;
-- A list walks this backwards, newest first.
CREATE INDEX workspaces_by_organisation_created ON workspaces (organisation_id, created_at, id);
DROP INDEX workspaces_by_organisation;

ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member'));
ALTER TABLE users ADD COLUMN last_updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET last_updated_at = created_at;

CREATE TABLE workspace_members (
  workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
  user_id         TEXT NOT NULL REFERENCES users (id),
  role            TEXT NOT NULL CHECK (role IN ('admin', 'member', 'manager')),
  created_at      INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX workspace_members_by_user ON workspace_members (user_id);
