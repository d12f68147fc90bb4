-- A workspace's members are read in the order they joined, with the workspace (GET
-- /admin/workspaces/{id}) and as a page: this index hands them over in that order, without a sort.
CREATE INDEX workspace_members_in_joining_order ON workspace_members (workspace_id, created_at, user_id);
