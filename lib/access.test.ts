import { describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/actor';
import {
  assertMayGrantExpiry,
  canManageUser,
  canSeeKeysOfOrganisation,
  isSameOriginSessionRequest,
  keyInScope,
  keyScope,
  mayReceiveKeyEvent,
  safeCallbackPath,
} from './access';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const admin: Actor = { type: 'user', userId: 'u1', organisationId: A, role: 'admin', label: 'admin' };
const superadmin: Actor = { type: 'user', userId: 'u0', organisationId: A, role: 'superadmin', label: 's' };

describe('rule 11: where sign-in may send the browser', () => {
  const origin = 'http://localhost:3000';
  it.each([
    ['/%5Cevil.example/x'],
    ['/\\evil.example/x'],
    ['/\t/evil.example'],
    ['//evil.example/x'],
    ['https://evil.example/'],
    ['javascript:alert(1)'],
    [''],
  ])('%j goes to the default page', (value) => {
    expect(safeCallbackPath(decodeURIComponent(value), origin)).toBe('/');
  });
  it('a repeated parameter (an array) goes to the default page', () => {
    expect(safeCallbackPath(['/a', '/b'], origin)).toBe('/');
  });
  it('a path of this site is kept, with its query', () => {
    expect(safeCallbackPath('/admin/api-keys?status=revoked', origin)).toBe('/admin/api-keys?status=revoked');
  });
});

describe('rule 10: session-cookie writes come from this site', () => {
  const appOrigins = ['http://localhost:3000'];
  const check = (method: string, origin: string | null, secFetchSite: string | null = null) =>
    isSameOriginSessionRequest({ method, origin, secFetchSite, appOrigins });
  it('reads are exempt', () => expect(check('GET', null)).toBe(true));
  it('no Origin, another Origin, "null", or a cross-site fetch is refused', () => {
    expect(check('POST', null)).toBe(false);
    expect(check('POST', 'https://evil.example')).toBe(false);
    expect(check('DELETE', 'null')).toBe(false);
    expect(check('POST', 'http://localhost:3000', 'cross-site')).toBe(false);
    expect(check('POST', null, 'same-site')).toBe(false);
  });
  it('this Origin, or Sec-Fetch-Site: same-origin, may write', () => {
    expect(check('POST', 'http://localhost:3000')).toBe(true);
    expect(check('PATCH', null, 'same-origin')).toBe(true);
  });
});

describe('rule 2: reach, the same in the list and for one key', () => {
  const key = (over: Partial<Parameters<typeof keyInScope>[1]> = {}) => ({
    organisationId: A,
    allTenants: false,
    tenantIds: [A],
    permissions: ['customers:read'],
    expiresAt: null,
    ...over,
  });
  it('an organisation admin reaches only keys whose tenants are exactly their organisation', () => {
    expect(keyInScope(keyScope(admin), key())).toBe(true);
    expect(keyInScope(keyScope(admin), key({ allTenants: true, tenantIds: [] }))).toBe(false);
    expect(keyInScope(keyScope(admin), key({ tenantIds: [A, B] }))).toBe(false);
    expect(keyInScope(keyScope(superadmin), key({ allTenants: true }))).toBe(true);
  });
  it('a key reaches no key with more permissions, more tenants or a later expiry', () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const manager: Actor = {
      type: 'key',
      keyId: 'k',
      organisationId: A,
      label: 'k',
      permissions: ['api_keys:read', 'api_keys:write', 'customers:read'],
      allTenants: false,
      tenantIds: [A],
      expiresAt: tomorrow,
      userId: null,
    };
    const soon = new Date(Date.now() + 3_600_000);
    expect(keyInScope(keyScope(manager), key({ expiresAt: soon }))).toBe(true);
    expect(keyInScope(keyScope(manager), key())).toBe(false);
    expect(keyInScope(keyScope(manager), key({ expiresAt: soon, permissions: ['leads:read'] }))).toBe(false);
    expect(keyInScope(keyScope(manager), key({ expiresAt: soon, allTenants: true }))).toBe(false);
    expect(() => assertMayGrantExpiry(manager, null)).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    expect(() => assertMayGrantExpiry(manager, soon)).not.toThrow();
  });
});

describe('rule 2 for webhooks about keys: a subscriber hears only of keys it could see', () => {
  const subscriber = (permissions: Extract<Actor, { type: 'key' }>['permissions']): Actor => ({
    type: 'key',
    keyId: 's',
    organisationId: A,
    label: 's',
    permissions,
    allTenants: false,
    tenantIds: [A],
    expiresAt: null,
    userId: null,
  });
  const target = { organisationId: A, allTenants: false, tenantIds: [A], expiresAt: null };
  it('needs read access to keys, and the key within its reach', () => {
    const reader = subscriber(['webhooks:write', 'api_keys:read', 'customers:read']);
    expect(mayReceiveKeyEvent(reader, { ...target, permissions: ['customers:read'] })).toBe(true);
    expect(mayReceiveKeyEvent(reader, { ...target, permissions: ['leads:read'] })).toBe(false);
    expect(
      mayReceiveKeyEvent(reader, { ...target, permissions: ['customers:read'], tenantIds: [A, B] }),
    ).toBe(false);
    expect(
      mayReceiveKeyEvent(reader, { ...target, organisationId: B, permissions: ['customers:read'] }),
    ).toBe(false);
    const blind = subscriber(['webhooks:write', 'customers:read']);
    expect(mayReceiveKeyEvent(blind, { ...target, permissions: ['customers:read'] })).toBe(false);
  });
  it('events about keys come from the organisation that owns them', () => {
    const wide: Actor = { ...(subscriber(['admin']) as Extract<Actor, { type: 'key' }>), allTenants: true };
    expect(canSeeKeysOfOrganisation(wide, A)).toBe(true);
    expect(canSeeKeysOfOrganisation(wide, B)).toBe(false);
    expect(canSeeKeysOfOrganisation(superadmin, B)).toBe(true);
  });
});

describe('rule 5: roles are ordered user < admin < superadmin', () => {
  it('an admin manages users and admins of their organisation, never a superadmin', () => {
    expect(canManageUser(admin, { id: 'x', organisationId: A, role: 'user' })).toBe(true);
    expect(canManageUser(admin, { id: 'x', organisationId: A, role: 'admin' })).toBe(true);
    expect(canManageUser(admin, { id: 'x', organisationId: A, role: 'superadmin' })).toBe(false);
    expect(canManageUser(admin, { id: 'x', organisationId: B, role: 'user' })).toBe(false);
    expect(canManageUser(superadmin, { id: 'x', organisationId: B, role: 'superadmin' })).toBe(true);
  });
});
