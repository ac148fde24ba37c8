import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys, auditEvents, organisations } from '@/db/schema';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { verifyKey } from '@/lib/keys/verify';
import { createApiKeySchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { createApiKey, getApiKey, regenerateApiKey, updateApiKey } from './api-keys';
import { closeEndedRotations, endRotationNow } from './key-rotation';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
const lookup = (keyHash: string) => findKeyByHash({ keyHash });

beforeAll(async () => {
  w = await createWorld();
});

const newKey = (overrides: Record<string, unknown> = {}) =>
  createApiKey(
    w.adminA.actor,
    createApiKeySchema.parse({
      name: `Rotating ${Math.random()}`,
      permissions: ['customers:read'],
      tenants: [w.orgA.id],
      ...overrides,
    }),
  );

const auditOf = (keyId: string, action: string) =>
  db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, keyId), eq(auditEvents.action, action)));

describe('rotation with a grace period', () => {
  it('both secrets work during the overlap; the old one is refused from its moment on', async () => {
    const { key, secret: old } = await newKey();
    const before = Date.now();
    const { key: rotated, secret: fresh } = await regenerateApiKey(w.adminA.actor, key.id, {
      grace_period_seconds: 3600,
    });
    const endsAt = rotated.rotation!.endsAt;
    expect(endsAt.getTime()).toBeGreaterThanOrEqual(before + 3600_000);
    expect(rotated.rotation!.previousVisibleId).toBe(key.visibleId);
    expect(await verifyKey(old, lookup)).toMatchObject({ ok: true, key: { usedPreviousSecret: true } });
    expect(await verifyKey(fresh, lookup)).toMatchObject({ ok: true, key: { usedPreviousSecret: false } });
    const after = new Date(endsAt.getTime());
    expect(await verifyKey(old, lookup, after)).toMatchObject({ ok: false, rotationEnded: true });
    expect((await verifyKey(fresh, lookup, after)).ok).toBe(true);
  });

  it('records the end exactly once, however many notice it at the same time', async () => {
    const { key, secret: old } = await newKey();
    await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 60 });
    const later = new Date(Date.now() + 61_000);
    const results = await Promise.all([
      closeEndedRotations([key.id], later),
      closeEndedRotations([key.id], later),
      closeEndedRotations(undefined, later),
    ]);
    expect(results.flat().filter((id) => id === key.id)).toHaveLength(1);
    expect(await auditOf(key.id, 'key.rotation_ended')).toHaveLength(1);
    expect(await closeEndedRotations([key.id], later)).toEqual([]);
    expect(await verifyKey(old, lookup)).toEqual({ ok: false, code: 'key_invalid' });
  });

  it('"end the overlap now" refuses the old secret at once and is audited as ended early', async () => {
    const { key, secret: old } = await newKey();
    await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 86400 });
    const view = await endRotationNow(w.adminA.actor, key.id);
    expect(view.rotation).toBeNull();
    expect((await verifyKey(old, lookup)).ok).toBe(false);
    const [event] = await auditOf(key.id, 'key.rotation_ended');
    expect(event.changes).toMatchObject({ ended_early: { after: true } });
    expect(event.actorType).toBe('user');
  });

  it('never lets the overlap outlast the key, and keeps only the two newest secrets', async () => {
    const expiry = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    const { key, secret: first } = await newKey({ expiry_date: expiry });
    await expect(
      regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 7 * 86400 }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: { grace_period_seconds: expect.any(Array) },
    });
    const { secret: second } = await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 600 });
    const { secret: third } = await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 600 });
    expect((await verifyKey(first, lookup)).ok).toBe(false);
    expect((await verifyKey(second, lookup)).ok).toBe(true);
    expect((await verifyKey(third, lookup)).ok).toBe(true);
  });

  it('grace 0 keeps today’s behaviour: the old secret fails on the next request', async () => {
    const { key, secret: old } = await newKey();
    const { key: rotated } = await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 0 });
    expect(rotated.rotation).toBeNull();
    expect((await verifyKey(old, lookup)).ok).toBe(false);
  });
});

describe('IP allowlist and rate limit fields', () => {
  it('are stored normalised, shown, and audited', async () => {
    const { key } = await newKey({
      allowed_ips: ['203.0.113.9/24', '::ffff:198.51.100.1'],
      rate_limit_per_minute: 20,
    });
    expect(key.allowedIps).toEqual(['203.0.113.0/24', '198.51.100.1']);
    expect(key.rateLimitPerMinute).toBe(20);
    const updated = await updateApiKey(
      w.adminA.actor,
      key.id,
      updateApiKeySchema.parse({ allowed_ips: [], rate_limit_per_minute: null }),
    );
    expect(updated.allowedIps).toBeNull();
    expect(updated.rateLimitPerMinute).toBeNull();
    const [event] = await auditOf(key.id, 'key.updated');
    expect(Object.keys(event.changes ?? {})).toEqual(
      expect.arrayContaining(['allowed_ips', 'rate_limit_per_minute']),
    );
  });

  it('refuse an allow-all range, naming the entry', () => {
    const parsed = createApiKeySchema.safeParse({
      name: 'x',
      permissions: ['customers:read'],
      tenants: 'all',
      allowed_ips: ['10.0.0.0/8', '0.0.0.0/0'],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['allowed_ips', 1] });
    expect(parsed.error!.issues[0].message).toMatch(/empty means anywhere/);
  });
});

describe('organisation key policy', () => {
  it('refuses keys without expiry or beyond the maximum lifetime (422 expiry_date); older keys are outside policy', async () => {
    const { key: old } = await newKey();
    await db
      .update(organisations)
      .set({ keysMustExpire: true, keyMaxLifetimeDays: 90 })
      .where(eq(organisations.id, w.orgA.id));
    try {
      await expect(newKey()).rejects.toMatchObject({
        code: 'validation_failed',
        fields: { expiry_date: [expect.stringMatching(/expire/)] },
      });
      const far = new Date(Date.now() + 120 * 86400_000).toISOString().slice(0, 10);
      await expect(newKey({ expiry_date: far })).rejects.toMatchObject({
        fields: { expiry_date: expect.any(Array) },
      });
      const near = new Date(Date.now() + 90 * 86400_000).toISOString().slice(0, 10);
      const { key } = await newKey({ expiry_date: near });
      expect(key.outsidePolicy).toBe(false);
      expect((await getApiKey(w.adminA.actor, old.id)).outsidePolicy).toBe(true);
      await expect(regenerateApiKey(w.adminA.actor, old.id)).rejects.toMatchObject({
        fields: { expiry_date: expect.any(Array) },
      });
      // Renaming an old key is fine; setting an expiry within the policy brings it in.
      await updateApiKey(
        w.adminA.actor,
        old.id,
        updateApiKeySchema.parse({ name: `Renamed ${Math.random()}` }),
      );
      const fixed = await updateApiKey(
        w.adminA.actor,
        old.id,
        updateApiKeySchema.parse({ expiry_date: near }),
      );
      expect(fixed.outsidePolicy).toBe(false);
    } finally {
      await db
        .update(organisations)
        .set({ keysMustExpire: false, keyMaxLifetimeDays: null })
        .where(eq(organisations.id, w.orgA.id));
    }
  });
});

it('the previous secret is found by the one lookup query', async () => {
  const { key } = await newKey();
  await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 60 });
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
  expect((await findKeyByHash({ keyHash: row.previousKeyHash! }))?.id).toBe(key.id);
});
