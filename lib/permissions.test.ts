import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  accessForMethod,
  canGrant,
  hasPermission,
  normalisePermissions,
  summarisePermissions,
} from './permissions';

describe('permission catalogue', () => {
  it('has read and write per resource, analytics read-only, and admin', () => {
    expect(ALL_PERMISSIONS).toContain('customers:read');
    expect(ALL_PERMISSIONS).toContain('customers:write');
    expect(ALL_PERMISSIONS).toContain('analytics:read');
    expect(ALL_PERMISSIONS).not.toContain('analytics:write');
    expect(ALL_PERMISSIONS[0]).toBe('admin');
  });

  it('never lets write imply read', () => {
    expect(hasPermission(['customers:write'], 'customers:read')).toBe(false);
    expect(hasPermission(['customers:read'], 'customers:write')).toBe(false);
    expect(hasPermission(['admin'], 'customers:write')).toBe(true);
  });

  it('maps methods to access', () => {
    expect(accessForMethod('GET')).toBe('read');
    expect(accessForMethod('HEAD')).toBe('read');
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(accessForMethod(m)).toBe('write');
  });

  it('lets nobody grant more than they hold', () => {
    expect(canGrant(['api_keys:write', 'customers:read'], ['customers:read'])).toBe(true);
    expect(canGrant(['api_keys:write'], ['admin'])).toBe(false);
    expect(canGrant(['admin'], ['admin', 'leads:write'])).toBe(true);
  });

  it('normalises and summarises', () => {
    expect(normalisePermissions(['leads:read', 'customers:write', 'leads:read'])).toEqual([
      'customers:write',
      'leads:read',
    ]);
    expect(normalisePermissions(['leads:read', 'admin'])).toEqual(['admin']);
    expect(summarisePermissions(['customers:read', 'customers:write'])).toBe('Customers: read, write');
    expect(summarisePermissions(['admin'])).toBe('Admin (all permissions)');
  });
});
