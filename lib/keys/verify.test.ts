import { describe, expect, it } from 'vitest';
import { generateKey, hashKey } from './format';
import { verifyKey, type KeyRecord } from './verify';

function record(key: string, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    organisationId: '00000000-0000-4000-8000-0000000000aa',
    kind: 'integration',
    userId: null,
    name: 'Test key',
    keyHash: hashKey(key),
    prefix: 'sk_live_',
    lastFour: key.slice(-4),
    permissions: ['customers:read'],
    allTenants: false,
    tenantIds: ['00000000-0000-4000-8000-0000000000aa'],
    status: 'active',
    expiresAt: null,
    previousKeyHash: null,
    previousKeyExpiresAt: null,
    allowedIps: null,
    rateLimitPerMinute: null,
    owner: null,
    organisationAllowsNonAdminApi: false,
    ...overrides,
  };
}

/** A lookup over an in-memory table that counts how often it is asked. */
function table(records: KeyRecord[]) {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (hash: string) => {
      calls.push(hash);
      return records.find((r) => r.keyHash === hash || r.previousKeyHash === hash) ?? null;
    },
  };
}

describe('verifyKey', () => {
  const key = generateKey('integration');

  it('refuses malformed keys without a lookup', async () => {
    const t = table([record(key)]);
    const malformed = [
      '',
      'sk_live_',
      key.slice(0, -1) + 'Z',
      'x'.repeat(10240),
      key.replace('sk_', 'pk_'),
      key + 'é',
    ];
    for (const presented of malformed) {
      const result = await verifyKey(presented, t.lookup);
      expect(result.ok).toBe(false);
    }
    expect(await verifyKey(undefined, t.lookup)).toEqual({ ok: false, code: 'key_missing' });
    expect(await verifyKey(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), t.lookup)).toEqual({
      ok: false,
      code: 'key_malformed',
    });
    expect(t.calls).toHaveLength(0);
  });

  it('looks up by hash once and returns the identity', async () => {
    const t = table([record(key)]);
    const result = await verifyKey(key, t.lookup);
    expect(t.calls).toEqual([hashKey(key)]);
    expect(result).toMatchObject({
      ok: true,
      key: { name: 'Test key', visibleId: `sk_live_…${key.slice(-4)}`, permissions: ['customers:read'] },
    });
  });

  it('answers without a promise when the lookup answers without one (a cache hit), the same verdicts', async () => {
    const revokedKey = generateKey('integration');
    const records = [record(key), record(revokedKey, { status: 'revoked', id: 'r' })];
    const syncLookup = (hash: string) => records.find((r) => r.keyHash === hash) ?? null;
    const hit = verifyKey(key, syncLookup);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toEqual(await verifyKey(key, table(records).lookup));
    const revoked = verifyKey(revokedKey, syncLookup);
    expect(revoked).not.toBeInstanceOf(Promise);
    expect(revoked).toEqual({ ok: false, code: 'key_revoked', keyId: 'r' });
    expect(verifyKey(generateKey('integration'), syncLookup)).toEqual({ ok: false, code: 'key_invalid' });
  });

  it("builds a record's identity once and shares it frozen", async () => {
    const records = [record(key)];
    const lookup = (hash: string) => records.find((r) => r.keyHash === hash) ?? null;
    const first = verifyKey(key, lookup);
    const second = verifyKey(key, lookup);
    if (first instanceof Promise || second instanceof Promise || !first.ok || !second.ok)
      throw new Error('ok');
    expect(second.key).toBe(first.key);
    expect(Object.isFrozen(first.key) && Object.isFrozen(first.key.permissions)).toBe(true);
    // A changed key is a new record (the cache replaces it): a new identity.
    records[0] = record(key, { name: 'Renamed' });
    expect(verifyKey(key, lookup)).toMatchObject({ ok: true, key: { name: 'Renamed' } });
  });

  it('reports unknown, revoked, disabled and expired keys', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(await verifyKey(generateKey('integration'), table([record(key)]).lookup)).toEqual({
      ok: false,
      code: 'key_invalid',
    });
    for (const [overrides, code] of [
      [{ status: 'revoked' }, 'key_revoked'],
      [{ status: 'disabled' }, 'key_disabled'],
      [{ expiresAt: new Date('2026-05-31T23:59:59Z') }, 'key_expired'],
      [{ expiresAt: now }, 'key_expired'],
    ] as const) {
      const result = await verifyKey(key, table([record(key, overrides)]).lookup, now);
      expect(result).toMatchObject({ ok: false, code });
    }
    const fine = await verifyKey(
      key,
      table([record(key, { expiresAt: new Date('2026-06-01T00:00:01Z') })]).lookup,
      now,
    );
    expect(fine.ok).toBe(true);
  });

  it('gives a personal key its user’s powers, checked at every call', async () => {
    const personal = generateKey('personal');
    const base = { kind: 'personal' as const, prefix: 'pat_live_', userId: 'u1', permissions: [] };
    const asAdmin = await verifyKey(
      personal,
      table([record(personal, { ...base, owner: { role: 'admin', disabled: false } })]).lookup,
    );
    expect(asAdmin).toMatchObject({ ok: true, key: { permissions: ['admin'] } });
    const userForbidden = await verifyKey(
      personal,
      table([record(personal, { ...base, owner: { role: 'user', disabled: false } })]).lookup,
    );
    expect(userForbidden).toMatchObject({ ok: false, code: 'api_access_disabled' });
    const userAllowed = await verifyKey(
      personal,
      table([
        record(personal, {
          ...base,
          owner: { role: 'user', disabled: false },
          organisationAllowsNonAdminApi: true,
        }),
      ]).lookup,
    );
    expect(userAllowed.ok && userAllowed.key.permissions).toContain('customers:write');
    expect(userAllowed.ok && userAllowed.key.permissions).not.toContain('api_keys:write');
    const disabled = await verifyKey(
      personal,
      table([record(personal, { ...base, owner: { role: 'admin', disabled: true } })]).lookup,
    );
    expect(disabled).toMatchObject({ ok: false, code: 'key_invalid' });
  });

  it('refuses a key presented with another kind’s prefix even if the hash matched', async () => {
    const t = table([record(key, { kind: 'personal' })]);
    expect(await verifyKey(key, t.lookup)).toEqual({ ok: false, code: 'key_invalid' });
  });
});

describe('verifyKey during a rotation', () => {
  const current = generateKey('integration');
  const previous = generateKey('integration');
  const now = new Date('2030-01-01T00:00:00Z');
  const rotating = (endsInMs: number) =>
    record(current, {
      previousKeyHash: hashKey(previous),
      previousKeyExpiresAt: new Date(now.getTime() + endsInMs),
    });

  it('accepts both secrets during the overlap and says which one was used', async () => {
    const { lookup } = table([rotating(1000)]);
    expect(await verifyKey(current, lookup, now)).toMatchObject({
      ok: true,
      key: { usedPreviousSecret: false },
    });
    expect(await verifyKey(previous, lookup, now)).toMatchObject({
      ok: true,
      key: { usedPreviousSecret: true },
    });
  });

  it('refuses the previous secret from the very moment the overlap ends, the current one still works', async () => {
    const { lookup } = table([rotating(0)]);
    expect(await verifyKey(previous, lookup, now)).toEqual({
      ok: false,
      code: 'key_invalid',
      keyId: '00000000-0000-4000-8000-000000000001',
      rotationEnded: true,
    });
    expect((await verifyKey(current, lookup, now)).ok).toBe(true);
  });

  it('a revoked key refuses its previous secret too', async () => {
    const { lookup } = table([{ ...rotating(1000), status: 'revoked' }]);
    expect(await verifyKey(previous, lookup, now)).toMatchObject({ ok: false, code: 'key_revoked' });
  });
});
