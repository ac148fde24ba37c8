import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { claimExpiryNotice, listExpiryNotices } from '@/db/queries/key-expiry-notices';
import { webhookDeliveries, webhooks } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { verifyKey } from '@/lib/keys/verify';
import { createApiKeySchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import {
  apiKeyEventSchema,
  createWebhookSchema,
  type ApiKeyWebhookOperation,
} from '@/lib/validation/webhooks';
import { verifySignature } from '@/lib/webhooks/signing';
import { createWorld } from '@/test/fixtures';
import { WebhookReceiver } from '@/test/webhook-receiver';
import { createApiKey, regenerateApiKey, revokeApiKey, updateApiKey } from './api-keys';
import { sendExpiryNotices } from './key-expiry-notices';
import { createPersonalKey } from './personal-keys';
import { processLeakReport } from './secret-scanning';
import { runDueDeliveries } from './webhook-delivery';
import { createWebhook } from './webhooks';

/**
 * Webhook events about API keys (api_key.expiring, .revoked, .leaked, .rotated): queued in the
 * transaction of the change, only for subscribers whose key could see the key (lib/access.ts), sent
 * signed by the same worker as every other event; expiry notices once per notice and expiry.
 */
type World = Awaited<ReturnType<typeof createWorld>>;
type KeyActor = Extract<Actor, { type: 'key' }>;
let w: World;
const receiver = new WebhookReceiver();
const PRIVATE = { allowPrivate: true };
const RUN = { allowPrivate: true, retryBaseMs: 1000, retryMaxMs: 60_000, timeoutMs: 5000 };
const DAY = 24 * 60 * 60 * 1000;

async function keyActor(secret: string): Promise<KeyActor> {
  const verified = await verifyKey(secret, (keyHash) => findKeyByHash({ keyHash }));
  if (!verified.ok) throw new Error(`key refused: ${verified.code}`);
  return { type: 'key', keyId: verified.key.id, label: verified.key.visibleId, ...verified.key };
}

const newKey = async (
  permissions: string[],
  overrides: Record<string, unknown> = {},
  actor: Actor = w.adminA.actor,
) =>
  createApiKey(
    actor,
    createApiKeySchema.parse({
      name: `Key ${Math.random()}`,
      permissions,
      tenants: [w.orgA.id],
      ...overrides,
    }),
  );

/** A subscriber: an integration key that may register webhooks and read keys (and customers). */
async function newSubscriber(extra: string[] = ['customers:read']) {
  const { key, secret } = await newKey(['webhooks:read', 'webhooks:write', 'api_keys:read', ...extra]);
  return { key, actor: await keyActor(secret) };
}

async function subscribe(actor: Actor, operation: ApiKeyWebhookOperation, tenantId = w.orgA.id) {
  return createWebhook(
    actor,
    tenantId,
    createWebhookSchema.parse({ url: receiver.url, entity: 'api_key', operation }),
    undefined,
    PRIVATE,
  );
}

type Sent = { eventType: string; keyId: string; body: Record<string, unknown>; raw: string };

/** The deliveries queued for a subscription, oldest first, with the key each is about. */
async function queued(webhookId: string): Promise<Sent[]> {
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(webhookDeliveries.seq);
  return rows.map((r) => {
    const body = JSON.parse(r.body) as { data: { api_key_id: string } };
    return { eventType: r.eventType, keyId: body.data.api_key_id, body, raw: r.body };
  });
}

let adminPersonal: KeyActor;

beforeAll(async () => {
  w = await createWorld();
  await receiver.start();
  adminPersonal = await keyActor((await createPersonalKey(w.adminA.actor)).secret);
});

afterAll(async () => {
  await receiver.stop();
});

beforeEach(async () => {
  receiver.status = 200;
  receiver.received.length = 0;
  await db.delete(webhooks);
});

describe('subscribing to API key events', () => {
  it('takes an api_key operation, and refuses a pair that does not go together, naming operation', () => {
    const url = 'https://hooks.example.com/keys';
    expect(createWebhookSchema.safeParse({ url, entity: 'api_key', operation: 'rotated' }).success).toBe(
      true,
    );
    for (const [entity, operation] of [
      ['api_key', 'created'],
      ['customer', 'revoked'],
      ['api_key', 'deleted'],
    ]) {
      const parsed = createWebhookSchema.safeParse({ url, entity, operation });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['operation']);
    }
  });

  it('needs api_keys:read, in the organisation that owns the keys', async () => {
    const { secret } = await newKey(['webhooks:read', 'webhooks:write', 'customers:read']);
    const noKeyRead = await keyActor(secret);
    await expect(subscribe(noKeyRead, 'revoked')).rejects.toMatchObject({
      code: 'permission_denied',
      fields: { entity: [expect.stringContaining('api_keys')] },
    });
    // A key of organisation A that also reaches B: it sees A's keys only, so no subscription in B.
    const wide = await newKey(
      ['webhooks:read', 'webhooks:write', 'api_keys:read'],
      { tenants: [w.orgA.id, w.orgB.id] },
      w.superadmin.actor,
    );
    const wideActor = await keyActor(wide.secret);
    await expect(subscribe(wideActor, 'revoked', w.orgB.id)).rejects.toMatchObject({
      code: 'tenant_forbidden',
    });
    const ok = await subscribe(wideActor, 'revoked', w.orgA.id);
    expect(ok.webhook).toMatchObject({ entity: 'api_key', operation: 'revoked' });
  });
});

describe('api_key.revoked and api_key.rotated, queued with the change', () => {
  it('goes only to subscribers that could see the key: reach, permissions, read access', async () => {
    const narrow = await newSubscriber(['customers:read']);
    const narrowHook = await subscribe(narrow.actor, 'revoked');
    const adminHook = await subscribe(adminPersonal, 'revoked');
    // A subscriber that later loses api_keys:read hears nothing.
    const demoted = await newSubscriber();
    const demotedHook = await subscribe(demoted.actor, 'revoked');
    await updateApiKey(
      w.adminA.actor,
      demoted.key.id,
      updateApiKeySchema.parse({ permissions: ['webhooks:read', 'webhooks:write', 'customers:read'] }),
    );
    // Another organisation's subscriber, with every permission: keys of A are not its to see.
    const { secret: bSecret } = await newKey(['admin'], { tenants: [w.orgB.id] }, w.adminB.actor);
    const otherOrgHook = await subscribe(await keyActor(bSecret), 'revoked', w.orgB.id);
    const rotatedHook = await subscribe(adminPersonal, 'rotated');

    const within = await newKey(['customers:read']);
    const wider = await newKey(['leads:write']);
    const ofOrgB = await newKey(['customers:read'], { tenants: [w.orgB.id] }, w.adminB.actor);
    for (const k of [within, wider]) await revokeApiKey(w.adminA.actor, k.key.id);
    await revokeApiKey(w.adminB.actor, ofOrgB.key.id);

    expect((await queued(narrowHook.webhook.id)).map((d) => d.keyId)).toEqual([within.key.id]);
    expect((await queued(adminHook.webhook.id)).map((d) => d.keyId)).toEqual([within.key.id, wider.key.id]);
    expect(await queued(demotedHook.webhook.id)).toEqual([]);
    expect((await queued(otherOrgHook.webhook.id)).map((d) => d.keyId)).toEqual([ofOrgB.key.id]);
    // A revoke is not a rotation.
    expect(await queued(rotatedHook.webhook.id)).toEqual([]);

    const [event] = await queued(adminHook.webhook.id);
    const parsed = apiKeyEventSchema('revoked').parse(event.body);
    expect(parsed).toMatchObject({
      type: 'api_key.revoked',
      entity: 'api_key',
      operation: 'revoked',
      organisation_id: w.orgA.id,
      details: { reason: 'revoked' },
      data: { api_key_id: within.key.id, status: 'revoked', permissions: ['customers:read'] },
    });
    expect(event.raw).not.toContain(within.secret);
    expect(event.raw).not.toMatch(/key_hash|"api_key":/);

    // Revoking again changes nothing and announces nothing.
    await revokeApiKey(w.adminA.actor, within.key.id);
    expect(await queued(adminHook.webhook.id)).toHaveLength(2);
  });

  it('a key revoking another over the API announces it too', async () => {
    const revoker = await newKey(['api_keys:read', 'api_keys:write', 'customers:read']);
    const hook = await subscribe(adminPersonal, 'revoked');
    const target = await newKey(['customers:read']);
    await revokeApiKey(await keyActor(revoker.secret), target.key.id);
    expect((await queued(hook.webhook.id)).map((d) => d.keyId)).toEqual([target.key.id]);
  });

  it('rotated carries previous_key_expires_at with an overlap, null without, and never a secret', async () => {
    const hook = await subscribe(adminPersonal, 'rotated');
    const { key, secret: first } = await newKey(['customers:read']);
    const { secret: second } = await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 3600 });
    const { secret: third } = await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 0 });
    const events = await queued(hook.webhook.id);
    expect(events.map((e) => e.eventType)).toEqual(['api_key.rotated', 'api_key.rotated']);
    const [withOverlap, atOnce] = events.map((e) => apiKeyEventSchema('rotated').parse(e.body));
    const ends = Date.parse(withOverlap.details.previous_key_expires_at!);
    expect(ends).toBeGreaterThan(Date.now() + 3500_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(withOverlap.data.previous_key_expires_at).toBe(withOverlap.details.previous_key_expires_at);
    expect(atOnce.details.previous_key_expires_at).toBeNull();
    expect(atOnce.data.previous_key_expires_at).toBeNull();
    for (const e of events) for (const s of [first, second, third]) expect(e.raw).not.toContain(s);
  });

  it('is sent signed by the worker, and cancelled if the subscriber can no longer see the key', async () => {
    const subscriber = await newSubscriber(['customers:read']);
    const hook = await subscribe(subscriber.actor, 'rotated');
    const a = await newKey(['customers:read']);
    await regenerateApiKey(w.adminA.actor, a.key.id, { grace_period_seconds: 0 });
    const outcomes = await runDueDeliveries(RUN);
    expect(outcomes.filter((o) => o.webhookId === hook.webhook.id).map((o) => o.result)).toEqual([
      'delivered',
    ]);
    expect(receiver.received).toHaveLength(1);
    const [received] = receiver.received;
    expect(received.headers['x-webhook-event']).toBe('api_key.rotated');
    expect(
      verifySignature(hook.signingSecret, {
        timestamp: received.headers['x-webhook-timestamp'] as string,
        body: received.body,
        signature: received.headers['x-webhook-signature'] as string,
      }),
    ).toBe(true);

    // Queued while it could see the key; before the attempt it lost customers:read, which the key holds.
    await regenerateApiKey(w.adminA.actor, a.key.id, { grace_period_seconds: 0 });
    await updateApiKey(
      w.adminA.actor,
      subscriber.key.id,
      updateApiKeySchema.parse({ permissions: ['webhooks:read', 'webhooks:write', 'api_keys:read'] }),
    );
    const later = await runDueDeliveries(RUN);
    const mine = later.filter((o) => o.webhookId === hook.webhook.id);
    expect(mine.map((o) => o.result)).toEqual(['cancelled']);
    expect(mine[0].error).toContain('key_out_of_reach');
    expect(receiver.received).toHaveLength(1);
  });
});

describe('api_key.leaked', () => {
  it('a leak report announces the leak (where, never the token), then the revocation', async () => {
    const leakedHook = await subscribe(adminPersonal, 'leaked');
    const revokedHook = await subscribe(adminPersonal, 'revoked');
    const { key, secret } = await newKey(['customers:read']);
    await processLeakReport([
      { token: secret, type: 'crm_api_key', url: 'https://example.com/oops.env', source: 'content' },
    ]);
    const [leak] = await queued(leakedHook.webhook.id);
    expect(leak.raw).not.toContain(secret);
    expect(apiKeyEventSchema('leaked').parse(leak.body)).toMatchObject({
      type: 'api_key.leaked',
      data: { api_key_id: key.id, status: 'revoked', leaked: { url: 'https://example.com/oops.env' } },
      details: {
        url: 'https://example.com/oops.env',
        source: 'content',
        token_type: 'crm_api_key',
        leaked_secret: 'current',
      },
    });
    const revoked = await queued(revokedHook.webhook.id);
    expect(revoked.map((d) => [d.keyId, (d.body.details as { reason: string }).reason])).toEqual([
      [key.id, 'leaked'],
    ]);
    // Leak first, then revocation: the queue order one receiver gets them in.
    const both = await db
      .select({ type: webhookDeliveries.eventType })
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.webhookId, [leakedHook.webhook.id, revokedHook.webhook.id]))
      .orderBy(webhookDeliveries.seq);
    expect(both.map((d) => d.type)).toEqual(['api_key.leaked', 'api_key.revoked']);

    // A key already revoked by hand, reported later: leaked, but no second revocation.
    const old = await newKey(['customers:read']);
    await revokeApiKey(w.adminA.actor, old.key.id);
    await processLeakReport([{ token: old.secret, type: 'crm_api_key', url: null, source: null }]);
    expect((await queued(leakedHook.webhook.id)).map((d) => d.keyId)).toEqual([key.id, old.key.id]);
    expect(
      (await queued(revokedHook.webhook.id)).map((d) => [
        d.keyId,
        (d.body.details as { reason: string }).reason,
      ]),
    ).toEqual([
      [key.id, 'leaked'],
      [old.key.id, 'revoked'],
    ]);
  });
});

describe('api_key.expiring', () => {
  const expiringFor = async (hookId: string, keyId: string) =>
    (await queued(hookId))
      .filter((d) => d.keyId === keyId)
      .map((d) => apiKeyEventSchema('expiring').parse(d.body).details);

  it('7 days and 1 day before, each once, even when sweeps race; an edited expiry re-arms', async () => {
    const hook = await subscribe(adminPersonal, 'expiring');
    const expiresAt = new Date(Date.now() + 5 * DAY);
    const { key } = await newKey(['customers:read'], { expiry_date: expiresAt.toISOString() });
    const far = await newKey(['customers:read'], {
      expiry_date: new Date(Date.now() + 30 * DAY).toISOString(),
    });

    // Two instances sweeping at the same moment, twice over: one 7-day notice.
    await Promise.all([sendExpiryNotices(), sendExpiryNotices(), sendExpiryNotices()]);
    await sendExpiryNotices();
    expect(await expiringFor(hook.webhook.id, key.id)).toEqual([
      { expires_at: expiresAt.toISOString(), days_before: 7 },
    ]);
    expect(await expiringFor(hook.webhook.id, far.key.id)).toEqual([]);

    // Inside the last day: the 1-day notice, once.
    const lastDay = new Date(expiresAt.getTime() - 12 * 60 * 60 * 1000);
    await Promise.all([sendExpiryNotices(lastDay), sendExpiryNotices(lastDay)]);
    await sendExpiryNotices(lastDay);
    expect((await expiringFor(hook.webhook.id, key.id)).map((d) => d.days_before)).toEqual([7, 1]);

    // A new expiry earns its notices again; the old expiry's are not sent twice.
    const extended = new Date(Date.now() + 6 * DAY);
    await updateApiKey(
      w.adminA.actor,
      key.id,
      updateApiKeySchema.parse({ expiry_date: extended.toISOString() }),
    );
    await Promise.all([sendExpiryNotices(), sendExpiryNotices()]);
    expect(await expiringFor(hook.webhook.id, key.id)).toEqual([
      { expires_at: expiresAt.toISOString(), days_before: 7 },
      { expires_at: expiresAt.toISOString(), days_before: 1 },
      { expires_at: extended.toISOString(), days_before: 7 },
    ]);
    expect((await listExpiryNotices({ apiKeyId: key.id })).map((n) => n.daysBefore)).toEqual([7, 1, 7]);
  });

  it('a key first seen in its last day gets the 1-day notice only; revoked keys get none', async () => {
    const hook = await subscribe(adminPersonal, 'expiring');
    const soon = await newKey(['customers:read'], {
      expiry_date: new Date(Date.now() + 12 * 60 * 60 * 1000).toISOString(),
    });
    const gone = await newKey(['customers:read'], {
      expiry_date: new Date(Date.now() + 3 * DAY).toISOString(),
    });
    await revokeApiKey(w.adminA.actor, gone.key.id);
    await sendExpiryNotices();
    await sendExpiryNotices(new Date(Date.now() + 2.5 * DAY));
    expect((await expiringFor(hook.webhook.id, soon.key.id)).map((d) => d.days_before)).toEqual([1]);
    expect(await expiringFor(hook.webhook.id, gone.key.id)).toEqual([]);
  });

  it('a notice is claimed by exactly one of many concurrent claims', async () => {
    const { key } = await newKey(['customers:read'], {
      expiry_date: new Date(Date.now() + 40 * DAY).toISOString(),
    });
    const expiresAt = new Date(Date.now() + 40 * DAY);
    const claims = await Promise.all(
      Array.from({ length: 8 }, () =>
        db.transaction((tx) => claimExpiryNotice({ apiKeyId: key.id, daysBefore: 7, expiresAt, db: tx })),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const rows = await listExpiryNotices({ apiKeyId: key.id });
    expect(rows.filter((r) => r.expiresAt.getTime() === expiresAt.getTime())).toHaveLength(1);
  });

  it('only subscribers that could see the key hear it is expiring', async () => {
    const narrow = await newSubscriber(['customers:read']);
    const narrowHook = await subscribe(narrow.actor, 'expiring');
    const adminHook = await subscribe(adminPersonal, 'expiring');
    const wider = await newKey(['leads:read'], {
      expiry_date: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    await sendExpiryNotices();
    expect(await expiringFor(narrowHook.webhook.id, wider.key.id)).toEqual([]);
    expect((await expiringFor(adminHook.webhook.id, wider.key.id)).map((d) => d.days_before)).toEqual([7]);
    // The notice is spent whether or not anybody listened: it is not sent again later.
    await sendExpiryNotices();
    expect(await expiringFor(adminHook.webhook.id, wider.key.id)).toHaveLength(1);
  });
});
