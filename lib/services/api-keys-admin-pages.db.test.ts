import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys } from '@/db/schema';
import { createApiKeySchema, listApiKeysSchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import {
  createApiKey,
  deleteApiKey,
  listApiKeyAuditTrail,
  listApiKeys,
  listGrantableTenants,
  regenerateApiKey,
  revokeApiKey,
  setApiKeyEnabled,
  updateApiKey,
} from './api-keys';

/** What the admin pages add to the key service: tenant choices, a key's audit trail, the tabs' groups. */
type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;

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

describe('admin pages on the key service', () => {
  it('offers an admin their own organisation as tenant, a superadmin every one, a user nothing', async () => {
    expect(await listGrantableTenants(w.adminA.actor)).toEqual([{ id: w.orgA.id, name: w.orgA.name }]);
    const all = await listGrantableTenants(w.superadmin.actor);
    expect(all.map((o) => o.id)).toEqual(expect.arrayContaining([w.orgA.id, w.orgB.id]));
    await expect(listGrantableTenants(w.userA.actor)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it("shows a key's audit trail newest first, with who, IP and before/after, and no secret", async () => {
    const context = { ip: '203.0.113.7', userAgent: 'playwright' };
    const { key, secret } = await createApiKey(w.adminA.actor, input({ name: 'Trail' }), context);
    await updateApiKey(w.adminA.actor, key.id, updateApiKeySchema.parse({ description: 'changed' }), context);
    const { secret: second } = await regenerateApiKey(w.adminA.actor, key.id, undefined, context);
    const trail = await listApiKeyAuditTrail(w.adminA.actor, key.id);
    expect(trail.map((e) => e.action)).toEqual(['key.regenerated', 'key.updated', 'key.created']);
    expect(trail[1]).toMatchObject({
      actorLabel: w.adminA.user.email,
      ip: '203.0.113.7',
      changes: { description: { before: '', after: 'changed' } },
    });
    const text = JSON.stringify(trail);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(second);
    // Another organisation's admin cannot read it.
    await expect(listApiKeyAuditTrail(w.adminB.actor, key.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(listApiKeyAuditTrail(w.userA.actor, key.id)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('splits keys into current (active, expiring, disabled) and ended (revoked, expired) for the tabs', async () => {
    const tag = `tab-${Math.random().toString(36).slice(2, 8)}`;
    const make = (name: string) => createApiKey(w.adminA.actor, input({ name: `${tag} ${name}` }));
    const active = await make('active');
    const disabled = await make('disabled');
    const revoked = await make('revoked');
    const expired = await make('expired');
    await setApiKeyEnabled(w.adminA.actor, disabled.key.id, false);
    await revokeApiKey(w.adminA.actor, revoked.key.id);
    await db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(apiKeys.id, expired.key.id));
    const names = async (status: string) =>
      (
        await listApiKeys(
          w.adminA.actor,
          listApiKeysSchema.parse({ status, q: tag, sort: 'name', order: 'asc' }),
        )
      ).keys.map((k) => k.name.replace(`${tag} `, ''));
    expect(await names('current')).toEqual(['active', 'disabled']);
    expect(await names('ended')).toEqual(['expired', 'revoked']);
    expect(await names('all')).toEqual(['active', 'disabled', 'expired', 'revoked']);
    await deleteApiKey(w.adminA.actor, active.key.id);
    expect(await names('current')).toEqual(['disabled']);
  });
});
