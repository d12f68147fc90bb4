-- Invitations to an organisation and its workspaces. 'expired' is not stored: it is derived from
-- expires_at and the clock when an invite is read.
CREATE TABLE invites (
  id                        TEXT PRIMARY KEY,
  organisation_id           TEXT NOT NULL REFERENCES organisations (id),
  email                     TEXT NOT NULL,
  role                      TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  status                    TEXT NOT NULL CHECK (status IN ('pending', 'cancelled', 'accepted')),
  workspaces                TEXT NOT NULL DEFAULT '[]',
  workspace_api_key_details TEXT,
  invited_by                TEXT,
  created_at                INTEGER NOT NULL,
  expires_at                INTEGER NOT NULL,
  accepted_at               INTEGER
) STRICT;
CREATE INDEX invites_by_organisation ON invites (organisation_id, created_at, id);

CREATE INDEX users_by_organisation_created ON users (organisation_id, created_at, id);
DROP INDEX users_by_organisation;
