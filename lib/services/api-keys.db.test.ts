import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys, auditEvents } from '@/db/schema';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { verifyKey } from '@/lib/keys/verify';
import { createApiKeySchema, listApiKeysSchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import {
  createApiKey,
  deleteApiKey,
  getApiKeySummary,
  listApiKeys,
  regenerateApiKey,
  revokeApiKey,
  setApiKeyEnabled,
  updateApiKey,
} from './api-keys';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
const lookup = (keyHash: string) => findKeyByHash({ keyHash });

beforeAll(async () => {
  w = await createWorld();
});

function input(overrides: Record<string, unknown> = {}) {
  return createApiKeySchema.parse({
    name: `Key ${Math.random()}`,
    permissions: ['customers:read'],
    tenants: [w.orgA.id],
    ...overrides,
  });
}

async function auditFor(keyId: string) {
  return db.select().from(auditEvents).where(eq(auditEvents.targetId, keyId)).orderBy(auditEvents.id);
}

describe('api key service on a real database', () => {
  it('creates a key, stores only its hash, and verifies it with one lookup', async () => {
    const { key, secret } = await createApiKey(w.adminA.actor, input({ name: 'Billing sync' }), {
      ip: '10.0.0.1',
      userAgent: 'vitest',
    });
    expect(secret).toMatch(/^sk_live_/);
    expect(key.visibleId).toBe(`sk_live_…${secret.slice(-4)}`);
    expect(key.tenants).toEqual([{ id: w.orgA.id, name: w.orgA.name }]);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(JSON.stringify(row)).not.toContain(secret.slice(8, 40));
    const verified = await verifyKey(secret, lookup);
    expect(verified).toMatchObject({
      ok: true,
      key: { id: key.id, permissions: ['customers:read'], tenantIds: [w.orgA.id] },
    });
    const audit = await auditFor(key.id);
    expect(audit.map((a) => a.action)).toEqual(['key.created']);
    expect(audit[0]).toMatchObject({
      actorType: 'user',
      actorLabel: w.adminA.user.email,
      ip: '10.0.0.1',
      userAgent: 'vitest',
    });
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('refuses a duplicate name in the same organisation, not in another', async () => {
    await createApiKey(w.adminA.actor, input({ name: 'Unique name' }));
    await expect(createApiKey(w.adminA.actor, input({ name: 'unique NAME' }))).rejects.toMatchObject({
      code: 'name_taken',
      fields: { name: ['A key with this name already exists.'] },
    });
    await expect(
      createApiKey(w.adminB.actor, input({ name: 'Unique name', tenants: [w.orgB.id] })),
    ).resolves.toBeTruthy();
  });

  it('keeps admins to their own organisation and "all tenants" to superadmins', async () => {
    await expect(createApiKey(w.adminA.actor, input({ tenants: [w.orgB.id] }))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(createApiKey(w.adminA.actor, input({ tenants: 'all' }))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(createApiKey(w.userA.actor, input())).rejects.toMatchObject({ code: 'forbidden' });
    const { key } = await createApiKey(w.superadmin.actor, input({ tenants: 'all' }));
    expect(key.allTenants).toBe(true);
    const other = await createApiKey(w.adminB.actor, input({ tenants: [w.orgB.id] }));
    await expect(revokeApiKey(w.adminA.actor, other.key.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a key cannot grant more than it holds', async () => {
    const { key, secret } = await createApiKey(
      w.adminA.actor,
      input({ permissions: ['api_keys:write', 'customers:read'] }),
    );
    const verified = await verifyKey(secret, lookup);
    if (!verified.ok) throw new Error('expected a valid key');
    const keyActor = { ...verified.key, type: 'key' as const, keyId: key.id, label: key.visibleId };
    await expect(createApiKey(keyActor, input({ permissions: ['admin'] }))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(createApiKey(keyActor, input({ permissions: ['customers:write'] }))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(createApiKey(keyActor, input({ permissions: ['customers:read'] }))).resolves.toBeTruthy();
  });

  it('edits, disables, enables, revokes and deletes, with one audit event each', async () => {
    const { key, secret } = await createApiKey(w.adminA.actor, input({ name: 'Lifecycle' }));
    const edited = await updateApiKey(
      w.adminA.actor,
      key.id,
      updateApiKeySchema.parse({ name: 'Lifecycle 2', permissions: ['leads:write'] }),
    );
    expect(edited).toMatchObject({ name: 'Lifecycle 2', permissions: ['leads:write'] });
    await setApiKeyEnabled(w.adminA.actor, key.id, false);
    expect(await verifyKey(secret, lookup)).toMatchObject({ ok: false, code: 'key_disabled' });
    await setApiKeyEnabled(w.adminA.actor, key.id, true);
    expect((await verifyKey(secret, lookup)).ok).toBe(true);
    await revokeApiKey(w.adminA.actor, key.id);
    expect(await verifyKey(secret, lookup)).toMatchObject({ ok: false, code: 'key_revoked' });
    await expect(setApiKeyEnabled(w.adminA.actor, key.id, true)).rejects.toMatchObject({
      code: 'key_revoked_final',
    });
    await expect(regenerateApiKey(w.adminA.actor, key.id)).rejects.toMatchObject({
      code: 'key_revoked_final',
    });
    await deleteApiKey(w.adminA.actor, key.id);
    const audit = await auditFor(key.id);
    expect(audit.map((a) => a.action)).toEqual([
      'key.created',
      'key.updated',
      'key.disabled',
      'key.enabled',
      'key.revoked',
      'key.deleted',
    ]);
    expect(audit[1].changes).toEqual({
      name: { before: key.name, after: 'Lifecycle 2' },
      permissions: { before: ['customers:read'], after: ['leads:write'] },
    });
  });

  it('regenerates: the old key fails at once, and two at once leave exactly one valid secret', async () => {
    const { key, secret } = await createApiKey(w.adminA.actor, input());
    const [first, second] = await Promise.all([
      regenerateApiKey(w.adminA.actor, key.id),
      regenerateApiKey(w.adminA.actor, key.id),
    ]);
    expect(await verifyKey(secret, lookup)).toMatchObject({ ok: false, code: 'key_invalid' });
    const results = await Promise.all([verifyKey(first.secret, lookup), verifyKey(second.secret, lookup)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('never resurrects a revoked key when revoke and enable race', async () => {
    for (let i = 0; i < 5; i++) {
      const { key, secret } = await createApiKey(w.adminA.actor, input());
      await setApiKeyEnabled(w.adminA.actor, key.id, false);
      const outcomes = await Promise.allSettled([
        revokeApiKey(w.adminA.actor, key.id),
        setApiKeyEnabled(w.adminA.actor, key.id, true),
      ]);
      expect(outcomes[0].status).toBe('fulfilled');
      expect(await verifyKey(secret, lookup)).toMatchObject({ ok: false, code: 'key_revoked' });
    }
  });

  it('protects a key (audited): delete refuses and says how to unprotect; revoke still works', async () => {
    const { key } = await createApiKey(w.adminA.actor, input());
    const protectedKey = await updateApiKey(
      w.adminA.actor,
      key.id,
      updateApiKeySchema.parse({ protected: true }),
    );
    expect(protectedKey.protected).toBe(true);
    const refused = deleteApiKey(w.adminA.actor, key.id);
    await expect(refused).rejects.toMatchObject({ code: 'key_protected' });
    await expect(refused).rejects.toThrow(`PATCH /crm/api-keys/${key.id} {"protected": false}`);
    // Disable and revoke still work; a revoked key can still be unprotected (and nothing else).
    await setApiKeyEnabled(w.adminA.actor, key.id, false);
    await revokeApiKey(w.adminA.actor, key.id);
    await expect(
      updateApiKey(w.adminA.actor, key.id, updateApiKeySchema.parse({ name: 'Renamed', protected: false })),
    ).rejects.toMatchObject({ code: 'key_revoked_final' });
    await updateApiKey(w.adminA.actor, key.id, updateApiKeySchema.parse({ protected: false }));
    await deleteApiKey(w.adminA.actor, key.id);
    const changes = (await auditFor(key.id))
      .filter((e) => e.action === 'key.updated')
      .map((e) => (e.changes as Record<string, unknown>).protected);
    expect(changes).toEqual([
      { before: false, after: true },
      { before: true, after: false },
    ]);
  });

  it("defaults the tenants of a new key to the caller's organisation; a multi-tenant key must name them", async () => {
    const published = createApiKeySchema.parse({
      name: `Published ${Math.random()}`,
      permissions: ['view_customer', 'view_service'],
    });
    for (const actor of [w.adminA.actor, w.superadmin.actor]) {
      const { key } = await createApiKey(actor, { ...published, name: `${published.name} ${actor.label}` });
      expect(key).toMatchObject({
        organisationId: w.orgA.id,
        allTenants: false,
        tenants: [{ id: w.orgA.id, name: w.orgA.name }],
        permissions: ['customers:read', 'services:read'],
      });
    }
    const asKey = (tenantIds: string[], allTenants = false) => ({
      type: 'key' as const,
      keyId: '00000000-0000-4000-8000-000000000001',
      organisationId: w.orgA.id,
      label: 'sk_live_…test',
      permissions: ['admin' as const],
      allTenants,
      tenantIds,
      expiresAt: null,
      userId: null,
    });
    const { key } = await createApiKey(asKey([w.orgA.id]), { ...published, name: `${published.name} key` });
    expect(key.tenants.map((t) => t.id)).toEqual([w.orgA.id]);
    for (const actor of [asKey([w.orgA.id, w.orgB.id]), asKey([], true)]) {
      await expect(
        createApiKey(actor, { ...published, name: `${published.name} multi` }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
        fields: { tenants: [expect.stringContaining('name the ones')] },
      });
    }
  });

  it('lets only an actor who may change the key (un)protect it', async () => {
    const { key } = await createApiKey(w.adminA.actor, input({ permissions: ['admin'] }));
    const small = await createApiKey(w.adminA.actor, input({ permissions: ['api_keys:write'] }));
    const keyActor = {
      type: 'key' as const,
      keyId: small.key.id,
      organisationId: w.orgA.id,
      label: small.key.visibleId,
      permissions: small.key.permissions,
      allTenants: false,
      tenantIds: [w.orgA.id],
      expiresAt: null,
      userId: null,
    };
    // Out of the key's reach (it holds more than the actor): not even visible.
    await expect(
      updateApiKey(keyActor, key.id, updateApiKeySchema.parse({ protected: true })),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      updateApiKey(w.adminB.actor, key.id, updateApiKeySchema.parse({ protected: true })),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      updateApiKey(w.userA.actor, key.id, updateApiKeySchema.parse({ protected: true })),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('lists with search, status filter, sorting and a summary', async () => {
    const org = (await createWorld()).adminA;
    const mk = (name: string, extra: Record<string, unknown> = {}) =>
      createApiKey(
        org.actor,
        input({ name, tenants: [org.actor.type === 'user' ? org.actor.organisationId : ''], ...extra }),
      );
    const soon = new Date(Date.now() + 10 * 86400_000).toISOString();
    const { secret: alphaSecret } = await mk('Alpha', { description: 'warehouse feed' });
    await mk('Bravo', { expiry_date: soon });
    const { key: charlie } = await mk('Charlie');
    await revokeApiKey(org.actor, charlie.id);
    const list = (q: Record<string, unknown>) => listApiKeys(org.actor, listApiKeysSchema.parse(q));
    expect((await list({ sort: 'name', order: 'asc' })).keys.map((k) => k.name)).toEqual([
      'Alpha',
      'Bravo',
      'Charlie',
    ]);
    expect((await list({ q: 'warehouse' })).keys.map((k) => k.name)).toEqual(['Alpha']);
    expect((await list({ q: alphaSecret.slice(-4) })).keys.map((k) => k.name)).toContain('Alpha');
    expect((await list({ status: 'expiring_soon' })).keys.map((k) => k.name)).toEqual(['Bravo']);
    expect((await list({ status: 'revoked' })).keys.map((k) => k.displayStatus)).toEqual(['revoked']);
    expect((await list({ limit: 2, page: 2, sort: 'name', order: 'asc' })).keys.map((k) => k.name)).toEqual([
      'Charlie',
    ]);
    expect(await getApiKeySummary(org.actor)).toEqual({
      total: 3,
      active: 2,
      expiringSoon: 1,
      expired: 0,
      disabled: 0,
      revoked: 1,
    });
  });
});

describe('audit trail', () => {
  it('is append-only in the database itself', async () => {
    const { key } = await createApiKey(w.adminA.actor, input());
    const [event] = await auditFor(key.id);
    await expect(
      db.execute(sql`update audit_events set action = 'forged' where id = ${event.id}`),
    ).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_events where id = ${event.id}`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    expect((await auditFor(key.id))[0].action).toBe('key.created');
  });
});
