/**
 * Regression tests for the access findings of issue 11, through the real services on a real database.
 * Each fails on the code before lib/access.ts became the one policy.
 */
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { apiKeys, auditEvents, webhooks } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { verifyKey } from '@/lib/keys/verify';
import { createApiKeySchema, listApiKeysSchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import { createWebhookSchema } from '@/lib/validation/webhooks';
import { createWorld } from '@/test/fixtures';
import {
  createApiKey,
  deleteApiKey,
  getApiKey,
  listApiKeys,
  regenerateApiKey,
  revokeApiKey,
  setApiKeyEnabled,
  updateApiKey,
} from './api-keys';
import { clearPersonalKey, createPersonalKey } from './personal-keys';
import { createWebhook, setWebhookStatus } from './webhooks';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  w = await createWorld();
});

async function keyActor(secret: string): Promise<Extract<Actor, { type: 'key' }>> {
  const verified = await verifyKey(secret, (keyHash) => findKeyByHash({ keyHash }));
  if (!verified.ok) throw new Error(`key refused: ${verified.code}`);
  return { type: 'key', keyId: verified.key.id, label: verified.key.visibleId, ...verified.key };
}

/** A key made by the superadmin (the only one who may make keys reaching other organisations). */
async function superKey(overrides: Record<string, unknown>) {
  return createApiKey(
    w.superadmin.actor,
    createApiKeySchema.parse({ name: `Key ${Math.random()}`, permissions: ['customers:read'], ...overrides }),
  );
}

async function counts() {
  const [[keys], [audit]] = await Promise.all([
    db.select({ n: count() }).from(apiKeys),
    db.select({ n: count() }).from(auditEvents),
  ]);
  return { keys: keys.n, audit: audit.n };
}

/** Every change operation on a key, as the actor: each must be "not found" and change nothing. */
async function expectNoChangeReaches(actor: Actor, id: string) {
  const before = await counts();
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  const attempts = [
    () => getApiKey(actor, id),
    () => regenerateApiKey(actor, id),
    () => updateApiKey(actor, id, updateApiKeySchema.parse({ permissions: ['admin'] })),
    () => updateApiKey(actor, id, updateApiKeySchema.parse({ description: 'taken over' })),
    () => setApiKeyEnabled(actor, id, false),
    () => revokeApiKey(actor, id),
    () => deleteApiKey(actor, id),
  ];
  for (const attempt of attempts) {
    await expect(attempt()).rejects.toMatchObject({ code: 'not_found' });
  }
  expect(await counts()).toEqual(before);
  const [after] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  expect(after).toEqual(row);
}

describe('an organisation admin cannot take over a key that reaches other organisations', () => {
  it('an "all tenants" key of their organisation: not listed, not seen, not changed', async () => {
    const { key } = await superKey({ tenants: 'all' });
    expect(key.organisationId).toBe(w.orgA.id);
    await expectNoChangeReaches(w.adminA.actor, key.id);
    const list = await listApiKeys(w.adminA.actor, listApiKeysSchema.parse({ limit: 100 }));
    expect(list.keys.map((k) => k.id)).not.toContain(key.id);
  });

  it('a key of their organisation that also reaches another organisation', async () => {
    const { key } = await superKey({ tenants: [w.orgA.id, w.orgB.id] });
    await expectNoChangeReaches(w.adminA.actor, key.id);
  });

  it('their own organisation-only keys stay theirs to manage', async () => {
    const { key } = await superKey({ tenants: [w.orgA.id] });
    await expect(setApiKeyEnabled(w.adminA.actor, key.id, false)).resolves.toMatchObject({
      status: 'disabled',
    });
  });
});

describe('a narrow management key cannot change a key that reaches further', () => {
  it('api_keys:read/write + customers:read for A only cannot regenerate or disable an "all tenants" key', async () => {
    const manager = await superKey({
      permissions: ['api_keys:read', 'api_keys:write', 'customers:read'],
      tenants: [w.orgA.id],
    });
    const target = await superKey({ permissions: ['customers:read'], tenants: 'all' });
    await expectNoChangeReaches(await keyActor(manager.secret), target.key.id);
  });
});

describe('a short-lived management key cannot outlive itself', () => {
  it('cannot clear its own expiry, push it later, or create keys that expire after it', async () => {
    const tomorrow = new Date(Date.now() + DAY).toISOString();
    const { key, secret } = await superKey({
      permissions: ['api_keys:read', 'api_keys:write', 'customers:read'],
      tenants: [w.orgA.id],
      expiry_date: tomorrow,
    });
    const actor = await keyActor(secret);
    const before = await counts();
    for (const expiry_date of [null, new Date(Date.now() + 30 * DAY).toISOString()]) {
      await expect(
        updateApiKey(actor, key.id, updateApiKeySchema.parse({ expiry_date })),
      ).rejects.toMatchObject({
        code: 'validation_failed',
        fields: { expiry_date: [expect.stringContaining('expire')] },
      });
    }
    const create = (expiry_date?: string | null) =>
      createApiKey(
        actor,
        createApiKeySchema.parse({
          name: `Child ${Math.random()}`,
          permissions: ['customers:read'],
          tenants: [w.orgA.id],
          expiry_date,
        }),
      );
    for (const expiry of [undefined, null, new Date(Date.now() + 2 * DAY).toISOString()]) {
      await expect(create(expiry)).rejects.toMatchObject({
        code: 'validation_failed',
        fields: { expiry_date: expect.any(Array) },
      });
    }
    expect(await counts()).toEqual(before);
    // Within its own lifetime it still works.
    const child = await create(new Date(Date.now() + DAY / 2).toISOString());
    expect(child.key.expiresAt!.getTime()).toBeLessThanOrEqual(actor.expiresAt!.getTime());
  });
});

describe('a lower role cannot act on a higher one', () => {
  it("an admin cannot clear a superadmin's personal key nor switch off its webhooks", async () => {
    const { secret } = await createPersonalKey(w.superadmin.actor);
    const superKeyActor = await keyActor(secret);
    const { webhook } = await createWebhook(
      superKeyActor,
      w.orgA.id,
      createWebhookSchema.parse({ url: 'http://127.0.0.1:9/hook', entity: 'customer', operation: 'created' }),
      undefined,
      { allowPrivate: true },
    );
    const before = await counts();
    await expect(clearPersonalKey(w.adminA.actor, { userId: w.superadmin.user.id })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(setWebhookStatus(w.adminA.actor, webhook.id, { status: 'paused' })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await counts()).toEqual(before);
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(hook.status).toBe('active');
    expect((await keyActor(secret)).keyId).toBe(superKeyActor.keyId);
    // The superadmin may still do both, and an admin may still clear a user's key.
    await expect(
      setWebhookStatus(w.superadmin.actor, webhook.id, { status: 'paused' }),
    ).resolves.toMatchObject({
      status: 'paused',
    });
  });
});
