-- Memberships made in the same millisecond (one add of several users; any under a frozen clock) are
-- read in the order they were made, not by user id: the table gets a sequence, `seq`, its rowid,
-- which each insert takes one past the largest, and the indexes that read a workspace's members and
-- a user's workspaces order by it after created_at. The covering index keeps every column, so a
-- page of members still costs no search of the table.
CREATE TABLE workspace_members_new (
  seq             INTEGER PRIMARY KEY,
  workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
  user_id         TEXT NOT NULL REFERENCES users (id),
  role            TEXT NOT NULL CHECK (role IN ('admin', 'member', 'manager')),
  created_at      INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL,
  UNIQUE (workspace_id, user_id)
) STRICT;
INSERT INTO workspace_members_new (workspace_id, user_id, role, created_at, last_updated_at)
  SELECT workspace_id, user_id, role, created_at, last_updated_at FROM workspace_members ORDER BY created_at, user_id, workspace_id;
DROP VIEW workspace_users;
DROP TABLE workspace_members;
ALTER TABLE workspace_members_new RENAME TO workspace_members;
CREATE INDEX workspace_members_covered ON workspace_members (workspace_id, created_at, seq, user_id, role, last_updated_at);
CREATE INDEX workspace_members_by_user ON workspace_members (user_id, created_at, seq);

CREATE VIEW workspace_users AS
SELECT m.workspace_id, m.user_id, m.role, m.created_at, m.last_updated_at, m.seq,
       u.first_name, u.last_name, u.email, u.role AS org_role
FROM workspace_members m JOIN users u ON u.id = m.user_id;
