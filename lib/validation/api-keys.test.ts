import { describe, expect, it } from 'vitest';
import { apiKeyResponseSchema, toApiKeyResponse, toCreatedApiKeyResponse, type ApiKeyView } from './api-keys';

const view: ApiKeyView = {
  id: '3f1c2a8e-4b5d-4c6e-8f70-112233445566',
  organisationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f11223344',
  kind: 'integration',
  name: 'Billing sync',
  description: '',
  visibleId: 'sk_live_…XyZ9',
  status: 'active',
  displayStatus: 'active',
  permissions: ['customers:read'],
  allTenants: false,
  tenants: [{ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f11223344', name: 'Acme' }],
  protected: false,
  expiresAt: null,
  lastUsedAt: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
  createdBy: null,
  createdByKeyId: null,
  regeneratedAt: null,
  disabledAt: null,
  revokedAt: null,
  allowedIps: null,
  rateLimitPerMinute: null,
  rotation: null,
  leak: null,
  outsidePolicy: false,
};

describe('API key responses', () => {
  it('keep only the documented fields: a hash passed by mistake never leaves', () => {
    const leaky = { ...view, keyHash: 'deadbeef', key_hash: 'deadbeef' };
    const out = toApiKeyResponse(leaky);
    expect(Object.keys(out).sort()).toEqual(Object.keys(apiKeyResponseSchema.shape).sort());
    expect(JSON.stringify(out)).not.toContain('deadbeef');
    expect(out).toMatchObject({
      api_key_id: view.id,
      masked_key: 'sk_live_…XyZ9',
      created: '2026-01-01T00:00:00.000Z',
    });
  });

  it('carry the secret only in the create/regenerate shape, and "all" for all-tenants keys', () => {
    expect(toApiKeyResponse(view)).not.toHaveProperty('api_key');
    expect(toCreatedApiKeyResponse(view, 'sk_live_x').api_key).toBe('sk_live_x');
    expect(toApiKeyResponse({ ...view, allTenants: true, tenants: [] }).tenants).toBe('all');
  });
});
