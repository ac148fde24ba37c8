import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { apiKeys, auditEvents, organisations, users, webhooks } from '@/db/schema';
import { onKeyChange, type KeyChange } from '@/lib/key-check/invalidation';
import { verifyKey } from '@/lib/keys/verify';
import { createWebhookSchema } from '@/lib/validation/webhooks';
import { createWorld, setOrganisationApiAccess } from '@/test/fixtures';
import {
  clearPersonalKey,
  createPersonalKey,
  getPersonalKeyOverview,
  getUserPersonalKey,
  listPersonalKeys,
  regeneratePersonalKey,
} from './personal-keys';
import { getOrganisationSettings, setApiAccessForNonAdmins } from './organisation-settings';
import { createWebhook } from './webhooks';

type World = Awaited<ReturnType<typeof createWorld>>;
const check = (secret: string) => verifyKey(secret, (keyHash) => findKeyByHash({ keyHash }));

async function auditOf(organisationId: string, actions: string[]) {
  return db
    .select()
    .from(auditEvents)
    .where(inArray(auditEvents.action, actions))
    .orderBy(auditEvents.id)
    .then((rows) => rows.filter((r) => r.organisationId === organisationId));
}

/** Every key-check change announced while `run` runs. */
async function announced(run: () => Promise<unknown>): Promise<KeyChange[]> {
  const seen: KeyChange[] = [];
  const off = onKeyChange((c) => seen.push(c));
  try {
    await run();
  } finally {
    off();
  }
  return seen;
}

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

describe('the organisation switch "API access for non-admins"', () => {
  it('refuses a user a key while it is off; admins always may have one', async () => {
    await expect(createPersonalKey(w.userA.actor)).rejects.toMatchObject({ code: 'api_access_disabled' });
    expect(await getPersonalKeyOverview(w.userA.actor)).toMatchObject({ key: null, allowed: false });
    const admin = await createPersonalKey(w.adminA.actor);
    expect(admin.secret).toMatch(/^pat_live_/);
    expect(await check(admin.secret)).toMatchObject({ ok: true, key: { permissions: ['admin'] } });
  });

  it('off stops every non-admin key at once without deleting it; on restores it; each flip audited once', async () => {
    const world = await createWorld();
    const org = world.orgA.id;
    const seen = await announced(() => setApiAccessForNonAdmins(world.adminA.actor, org, true));
    expect(seen).toEqual([{ organisationId: org }]);
    const user = await createPersonalKey(world.userA.actor);
    const admin = await createPersonalKey(world.adminA.actor);
    expect((await check(user.secret)).ok).toBe(true);

    await setApiAccessForNonAdmins(world.adminA.actor, org, false);
    expect(await check(user.secret)).toMatchObject({ ok: false, code: 'api_access_disabled' });
    expect((await check(admin.secret)).ok).toBe(true);
    expect(await db.select().from(apiKeys).where(eq(apiKeys.id, user.key.id))).toHaveLength(1);

    // Unchanged: no audit event, no announcement.
    expect(await announced(() => setApiAccessForNonAdmins(world.adminA.actor, org, false))).toEqual([]);
    await setApiAccessForNonAdmins(world.adminA.actor, org, true);
    expect((await check(user.secret)).ok).toBe(true);

    const events = await auditOf(org, ['organisation.api_access_changed']);
    expect(events.map((e) => e.changes)).toEqual([
      { api_access_for_non_admins: { before: false, after: true } },
      { api_access_for_non_admins: { before: true, after: false } },
      { api_access_for_non_admins: { before: false, after: true } },
    ]);
    expect(events.every((e) => e.actorLabel === world.adminA.user.email)).toBe(true);
    expect(await getOrganisationSettings(world.adminA.actor, org)).toMatchObject({
      apiAccessForNonAdmins: true,
    });
  });

  it('is for the admins of that organisation', async () => {
    await expect(setApiAccessForNonAdmins(w.userA.actor, w.orgA.id, true)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(setApiAccessForNonAdmins(w.adminB.actor, w.orgA.id, true)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const [org] = await db.select().from(organisations).where(eq(organisations.id, w.orgA.id));
    expect(org.apiAccessForNonAdmins).toBe(false);
  });
});

describe("a user's own key", () => {
  it('turns on, acts as the user, regenerates (old key fails at once) and turns off', async () => {
    const world = await createWorld();
    await setOrganisationApiAccess(world.orgA.id, true);
    const actor = world.userA.actor;

    let created!: Awaited<ReturnType<typeof createPersonalKey>>;
    const seen = await announced(async () => {
      created = await createPersonalKey(actor, { ip: '10.1.1.1', userAgent: 'vitest' });
    });
    expect(seen).toEqual([{ keyIds: [created.key.id], userId: world.userA.user.id }]);
    expect(created.secret).toMatch(/^pat_live_[0-9A-Za-z]{38}$/);
    expect(created.key.visibleId).toBe(`pat_live_…${created.secret.slice(-4)}`);
    const verified = await check(created.secret);
    expect(verified).toMatchObject({
      ok: true,
      key: { kind: 'personal', userId: world.userA.user.id, tenantIds: [world.orgA.id] },
    });
    expect(verified.ok && verified.key.permissions).toContain('customers:write');
    expect(verified.ok && verified.key.permissions).not.toContain('api_keys:write');
    await expect(createPersonalKey(actor)).rejects.toMatchObject({ code: 'conflict' });

    const overview = await getPersonalKeyOverview(actor);
    expect(overview).toMatchObject({ allowed: true, key: { id: created.key.id, lastUsedAt: null } });
    expect(JSON.stringify(overview)).not.toContain(created.secret);

    const regenerated = await regeneratePersonalKey(actor);
    expect(regenerated.key.id).toBe(created.key.id);
    expect(await check(created.secret)).toMatchObject({ ok: false, code: 'key_invalid' });
    expect((await check(regenerated.secret)).ok).toBe(true);

    await clearPersonalKey(actor);
    expect(await check(regenerated.secret)).toMatchObject({ ok: false, code: 'key_revoked' });
    expect((await getPersonalKeyOverview(actor)).key).toBeNull();
    await expect(regeneratePersonalKey(actor)).rejects.toMatchObject({ code: 'not_found' });
    await expect(clearPersonalKey(actor)).rejects.toMatchObject({ code: 'not_found' });

    // A fresh key after turning it off again: the old one stays revoked.
    const again = await createPersonalKey(actor);
    expect(again.key.id).not.toBe(created.key.id);
    expect(await check(regenerated.secret)).toMatchObject({ ok: false, code: 'key_revoked' });

    const events = await auditOf(world.orgA.id, [
      'personal_key.created',
      'personal_key.regenerated',
      'personal_key.cleared',
    ]);
    expect(events.map((e) => e.action)).toEqual([
      'personal_key.created',
      'personal_key.regenerated',
      'personal_key.cleared',
      'personal_key.created',
    ]);
    expect(events[0]).toMatchObject({
      ip: '10.1.1.1',
      userAgent: 'vitest',
      actorLabel: world.userA.user.email,
    });
    const text = JSON.stringify(events);
    for (const secret of [created.secret, regenerated.secret, again.secret]) {
      expect(text).not.toContain(secret.slice(9, 41));
    }
  });

  it('two toggles at once leave exactly one key', async () => {
    const world = await createWorld();
    const results = await Promise.allSettled([
      createPersonalKey(world.adminA.actor),
      createPersonalKey(world.adminA.actor),
      createPersonalKey(world.adminA.actor),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' });
    const live = await db.select().from(apiKeys).where(eq(apiKeys.userId, world.adminA.user.id));
    expect(live).toHaveLength(1);
  });

  it("follows its user: demoted, disabled or removed, the key's powers follow at once", async () => {
    const world = await createWorld();
    const { secret } = await createPersonalKey(world.adminA.actor);
    expect(await check(secret)).toMatchObject({ ok: true, key: { permissions: ['admin'] } });

    await db.update(users).set({ role: 'user' }).where(eq(users.id, world.adminA.user.id));
    // The organisation forbids non-admin API access: the demoted admin's key stops.
    expect(await check(secret)).toMatchObject({ ok: false, code: 'api_access_disabled' });
    await setOrganisationApiAccess(world.orgA.id, true);
    const asUser = await check(secret);
    expect(asUser.ok && asUser.key.permissions).not.toContain('admin');
    expect(asUser.ok && asUser.key.permissions).toContain('customers:read');

    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, world.adminA.user.id));
    expect(await check(secret)).toMatchObject({ ok: false, code: 'key_invalid' });

    await db.delete(users).where(eq(users.id, world.adminA.user.id));
    expect(await check(secret)).toMatchObject({ ok: false, code: 'key_invalid' });
    expect(await db.select().from(apiKeys).where(eq(apiKeys.userId, world.adminA.user.id))).toHaveLength(0);
  });
});

describe('API Management (admins)', () => {
  it('lists the users of the organisation with a live key, with webhook counts', async () => {
    const world = await createWorld();
    await setOrganisationApiAccess(world.orgA.id, true);
    const userKey = await createPersonalKey(world.userA.actor);
    await createPersonalKey(world.adminA.actor);
    await createPersonalKey(world.adminB.actor);
    const keyActor = await check(userKey.secret);
    if (!keyActor.ok) throw new Error('expected a valid key');
    await createWebhook(
      { type: 'key', keyId: keyActor.key.id, label: keyActor.key.visibleId, ...keyActor.key },
      world.orgA.id,
      createWebhookSchema.parse({ url: 'http://127.0.0.1:9/hook', entity: 'customer', operation: 'updated' }),
      undefined,
      { allowPrivate: true },
    );

    const rows = await listPersonalKeys(world.adminA.actor);
    expect(rows.map((r) => [r.user.email, r.webhooksCount]).sort()).toEqual(
      [
        [world.adminA.user.email, 0],
        [world.userA.user.email, 1],
      ].sort(),
    );
    expect(rows.find((r) => r.user.id === world.userA.user.id)?.key.visibleId).toBe(
      `pat_live_…${userKey.secret.slice(-4)}`,
    );
    expect(JSON.stringify(rows)).not.toContain(userKey.secret);
    await expect(listPersonalKeys(world.userA.actor)).rejects.toMatchObject({ code: 'forbidden' });

    const detail = await getUserPersonalKey(world.adminA.actor, world.userA.user.id);
    expect(detail.webhooks.map((h) => [h.entity, h.operation, h.status])).toEqual([
      ['customer', 'updated', 'active'],
    ]);
    await expect(getUserPersonalKey(world.adminB.actor, world.userA.user.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it("clears a user's key (audited); only admins of that organisation may", async () => {
    const world = await createWorld();
    await setOrganisationApiAccess(world.orgA.id, true);
    const { secret, key } = await createPersonalKey(world.userA.actor);
    const keyActor = await check(secret);
    if (!keyActor.ok) throw new Error('expected a valid key');
    const { webhook } = await createWebhook(
      { type: 'key', keyId: keyActor.key.id, label: keyActor.key.visibleId, ...keyActor.key },
      world.orgA.id,
      createWebhookSchema.parse({ url: 'http://127.0.0.1:9/hook', entity: 'contact', operation: 'created' }),
      undefined,
      { allowPrivate: true },
    );

    await expect(clearPersonalKey(world.adminB.actor, { userId: world.userA.user.id })).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    );
    const other = await createWorld();
    await expect(clearPersonalKey(other.userA.actor, { userId: world.userA.user.id })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await check(secret)).ok).toBe(true);

    const seen = await announced(() =>
      clearPersonalKey(world.adminA.actor, { userId: world.userA.user.id }, { ip: '10.9.9.9' }),
    );
    expect(seen).toEqual([{ keyIds: [key.id], userId: world.userA.user.id }]);
    expect(await check(secret)).toMatchObject({ ok: false, code: 'key_revoked' });
    expect(await listPersonalKeys(world.adminA.actor)).toEqual([]);
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(hook).toMatchObject({ status: 'disabled', disabledReason: 'key_cleared' });

    const [event] = await auditOf(world.orgA.id, ['personal_key.cleared']);
    expect(event).toMatchObject({
      actorLabel: world.adminA.user.email,
      targetId: key.id,
      ip: '10.9.9.9',
      changes: {
        status: { before: 'active', after: 'revoked' },
        webhooks_switched_off: { before: 0, after: 1 },
      },
    });
    // The user must turn the toggle on again for a new key.
    expect((await getPersonalKeyOverview(world.userA.actor)).key).toBeNull();
    expect((await getPersonalKeyOverview(world.userA.actor)).webhooks[0]).toMatchObject({
      status: 'disabled',
      disabledReason: 'key_cleared',
    });
  });
});
