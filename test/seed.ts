// The built-in fixture's ids and names (fixtures/builtin.yaml), by the role each plays in tests.
export const SEED = {
  organisation: { id: '8f2b6c1e-3d4a-4b5c-9e6f-7a8b9c0d1e2f', name: 'Acme Inc' },
  workspaces: {
    shared: { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', slug: 'ws-shared-7c41e9', name: 'Shared' },
    research: { id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', slug: 'ws-research-b2d8f0', name: 'Research' },
  },
  users: {
    alice: { id: '3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f', email: 'alice@acme.test', first_name: 'Alice', last_name: 'Admin', role: 'owner' },
    bob: { id: '4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f80', email: 'bob@acme.test', first_name: 'Bob', last_name: 'Builder', role: 'member' },
    carol: { id: '5e6f7a8b-9c0d-4e1f-a2b3-4c5d6e7f8091', email: 'carol@acme.test', first_name: 'Carol', last_name: 'Chen', role: 'admin' },
  },
  configs: {
    shared: { id: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', slug: 'pc-shared-default-3b7c1d', name: 'Shared default' },
    research: { id: '1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e', slug: 'pc-research-9f2e1a', name: 'Research staging' },
  },
  invites: {
    dave: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
    erin: 'f2a3b4c5-d6e7-4f8a-9b0c-1d2e3f4a5b6c',
  },
  apiKeys: {
    admin: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000001',
    workspaceService: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000002',
    workspaceUser: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000003',
    reporting: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000004',
    exhausted: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000005',
    researchPipeline: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000006',
    expired: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000007',
    carol: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000008',
    autoProvisioned: 'c2a7e0b4-1f3d-4e5a-8b6c-000000000009',
    sharedCi: 'c2a7e0b4-1f3d-4e5a-8b6c-00000000000a',
  },
} as const
