import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALL_PERMISSIONS, PERMISSION_ALIASES, resolvePermission } from '@/lib/permissions';
import { createApiKeySchema, updateApiKeySchema } from './api-keys';

describe('the published request format', () => {
  it('parses the documented example: no tenants, view_<resource> names → canonical permissions', () => {
    const parsed = createApiKeySchema.parse({
      name: 'Nightly export',
      description: 'Reads customers and services',
      expiry_date: '2099-01-10',
      permissions: ['view_customer', 'view_service'],
    });
    expect(parsed.permissions).toEqual(['customers:read', 'services:read']);
    expect(parsed.tenants).toBeUndefined();
  });

  it('maps view_/create_/update_/delete_ of singular and plural names, and admin; nothing else', () => {
    expect(resolvePermission('view_customers')).toBe('customers:read');
    expect(resolvePermission('create_lead')).toBe('leads:write');
    expect(resolvePermission('update_knowledge_base_article')).toBe('knowledge_base:write');
    expect(resolvePermission('delete_knowledge_base')).toBe('knowledge_base:write');
    expect(resolvePermission('view_analytics')).toBe('analytics:read');
    expect(resolvePermission('create_analytics')).toBeNull();
    expect(resolvePermission('admin')).toBe('admin');
    expect(resolvePermission('view_everything')).toBeNull();
    expect(
      updateApiKeySchema.parse({ permissions: ['create_customer', 'customers:write', 'view_agents'] })
        .permissions,
    ).toEqual(['customers:write', 'agents:read']);
    expect(updateApiKeySchema.parse({ permissions: ['view_customer', 'admin'] }).permissions).toEqual([
      'admin',
    ]);
    const bad = createApiKeySchema.safeParse({ name: 'x', permissions: ['view_customer', 'peek_customer'] });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(['Unknown permission: peek_customer.']);
  });

  it('documents the aliases as a deprecated branch beside the canonical names', () => {
    const schema = z.toJSONSchema(createApiKeySchema, { io: 'input' }) as unknown as {
      properties: { permissions: { items: { anyOf: { enum: string[]; deprecated?: boolean }[] } } };
      required: string[];
    };
    const [canonical, aliases] = schema.properties.permissions.items.anyOf;
    expect(canonical.enum).toEqual(ALL_PERMISSIONS);
    expect(canonical.deprecated).toBeUndefined();
    expect(aliases).toMatchObject({ deprecated: true });
    expect(aliases.enum).toEqual([...PERMISSION_ALIASES.keys()]);
    expect(schema.required).not.toContain('tenants');
  });
});
