import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { auditEvents, webhookDeliveries, webhookDeliveryAttempts, webhooks } from '@/db/schema';
import { verifyKey } from '@/lib/keys/verify';
import { verifySignature } from '@/lib/webhooks/signing';
import { createWorld, setOrganisationApiAccess } from '@/test/fixtures';
import { WebhookReceiver } from '@/test/webhook-receiver';
import { createApiKey, updateApiKey } from './api-keys';
import { contactResource, customerResource } from './crm-resources';
import type { Actor } from '@/lib/actor';
import { emitEntityChange, type EntityChange } from './entity-events';
import { clearPersonalKey, createPersonalKey } from './personal-keys';
import { runDueDeliveries } from './webhook-delivery';
import {
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooksOfCaller,
  setWebhookStatus,
} from './webhooks';
import { createApiKeySchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import { createWebhookSchema } from '@/lib/validation/webhooks';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
const receiver = new WebhookReceiver();
const PRIVATE = { allowPrivate: true };
/** Scheduling options for the worker in these tests: private receivers, a 1 s backoff base. */
const RUN = { allowPrivate: true, retryBaseMs: 1000, retryMaxMs: 60_000, timeoutMs: 5000 };

async function keyActor(secret: string): Promise<Extract<Actor, { type: 'key' }>> {
  const verified = await verifyKey(secret, (keyHash) => findKeyByHash({ keyHash }));
  if (!verified.ok) throw new Error(`key refused: ${verified.code}`);
  return { type: 'key', keyId: verified.key.id, label: verified.key.visibleId, ...verified.key };
}

function change(overrides: Partial<EntityChange> = {}): EntityChange {
  return {
    organisationId: w.orgA.id,
    entity: 'customer',
    operation: 'created',
    record: { id: crypto.randomUUID(), name: 'Initech', email: 'ops@initech.example' },
    actor: w.adminA.actor,
    ...overrides,
  };
}

/** A committed change, as a CRM service makes it: emitEntityChange inside its transaction. */
async function commitChange(c: EntityChange = change()) {
  await db.transaction(async (tx) => emitEntityChange(tx, c));
  return c;
}

async function subscribe(actor: Actor, overrides: Record<string, unknown> = {}) {
  return createWebhook(
    actor,
    w.orgA.id,
    createWebhookSchema.parse({ url: receiver.url, entity: 'customer', operation: 'created', ...overrides }),
    undefined,
    PRIVATE,
  );
}

async function deliveriesOf(webhookId: string) {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));
}

let userKey: { secret: string; actor: Extract<Actor, { type: 'key' }> };

beforeAll(async () => {
  w = await createWorld();
  await setOrganisationApiAccess(w.orgA.id, true);
  await receiver.start();
  const { secret } = await createPersonalKey(w.userA.actor);
  userKey = { secret, actor: await keyActor(secret) };
});

afterAll(async () => {
  await receiver.stop();
});

beforeEach(async () => {
  receiver.status = 200;
  receiver.received.length = 0;
  // Each test starts with no subscriptions and an empty queue.
  await db.delete(webhooks);
});

describe('queueing in the transaction of the change', () => {
  it('queues one delivery per active matching subscription, and none when the change rolls back', async () => {
    const customerCreated = await subscribe(userKey.actor);
    const contactCreated = await subscribe(userKey.actor, { entity: 'contact' });
    const customerUpdated = await subscribe(userKey.actor, { operation: 'updated' });
    const paused = await subscribe(userKey.actor);
    await setWebhookStatus(userKey.actor, paused.webhook.id, { status: 'paused' });

    await commitChange();
    expect(await deliveriesOf(customerCreated.webhook.id)).toHaveLength(1);
    expect(await deliveriesOf(contactCreated.webhook.id)).toHaveLength(0);
    expect(await deliveriesOf(customerUpdated.webhook.id)).toHaveLength(0);
    expect(await deliveriesOf(paused.webhook.id)).toHaveLength(0);

    await expect(
      db.transaction(async (tx) => {
        await emitEntityChange(tx, change());
        throw new Error('the change failed after emitting');
      }),
    ).rejects.toThrow('the change failed');
    expect(await deliveriesOf(customerCreated.webhook.id)).toHaveLength(1);

    // Another organisation's changes never reach this organisation's subscriptions.
    await commitChange(change({ organisationId: w.orgB.id }));
    expect(await deliveriesOf(customerCreated.webhook.id)).toHaveLength(1);
  });

  it('queues nothing for a key that may no longer read the entity or act at all', async () => {
    const { key, secret } = await createApiKey(
      w.adminA.actor,
      createApiKeySchema.parse({
        name: `Zap ${Math.random()}`,
        permissions: ['webhooks:write', 'webhooks:read', 'customers:read'],
        tenants: [w.orgA.id],
      }),
    );
    const integration = await subscribe(await keyActor(secret));
    const personal = await subscribe(userKey.actor);

    await updateApiKey(w.adminA.actor, key.id, updateApiKeySchema.parse({ permissions: ['webhooks:write'] }));
    await setOrganisationApiAccess(w.orgA.id, false);
    try {
      await commitChange();
      expect(await deliveriesOf(integration.webhook.id)).toHaveLength(0);
      expect(await deliveriesOf(personal.webhook.id)).toHaveLength(0);
    } finally {
      await setOrganisationApiAccess(w.orgA.id, true);
    }
    await commitChange();
    expect(await deliveriesOf(personal.webhook.id)).toHaveLength(1);
    expect(await deliveriesOf(integration.webhook.id)).toHaveLength(0);
  });
  it('the CRM services queue one delivery per create, update and delete, and none for a failed change', async () => {
    const created = await subscribe(userKey.actor);
    const updated = await subscribe(userKey.actor, { operation: 'updated' });
    const deleted = await subscribe(userKey.actor, { operation: 'deleted' });
    const contactCreated = await subscribe(userKey.actor, { entity: 'contact' });

    const customer = await customerResource.create(w.adminA.actor, w.orgA.id, { name: 'Initech' });
    await customerResource.update(w.adminA.actor, w.orgA.id, String(customer.id), { name: 'Initech Ltd' });
    await customerResource.remove(w.adminA.actor, w.orgA.id, String(customer.id));
    // A contact pointing at a customer that no longer exists is refused: its change never happened.
    await expect(
      contactResource.create(w.adminA.actor, w.orgA.id, { name: 'Peter', customer_id: customer.id }),
    ).rejects.toBeTruthy();

    expect(await deliveriesOf(created.webhook.id)).toHaveLength(1);
    expect(await deliveriesOf(updated.webhook.id)).toHaveLength(1);
    expect(await deliveriesOf(deleted.webhook.id)).toHaveLength(1);
    expect(await deliveriesOf(contactCreated.webhook.id)).toHaveLength(0);
    const [update] = await deliveriesOf(updated.webhook.id);
    expect(JSON.parse(update.body)).toMatchObject({
      type: 'customer.updated',
      data: { id: customer.id, name: 'Initech Ltd' },
    });
  });
});

describe('delivery to a real receiver', () => {
  it('sends exactly one signed POST per change, with the event as its body', async () => {
    const { webhook, signingSecret } = await subscribe(userKey.actor);
    const first = await commitChange();
    const second = await commitChange(change({ record: { id: crypto.randomUUID(), name: 'Hooli' } }));

    const outcomes = await runDueDeliveries(RUN);
    expect(outcomes.map((o) => o.result)).toEqual(['delivered', 'delivered']);
    expect(await runDueDeliveries(RUN)).toEqual([]);
    expect(receiver.received).toHaveLength(2);

    const queued = await deliveriesOf(webhook.id);
    for (const request of receiver.received) {
      const h = request.headers;
      expect(h['content-type']).toBe('application/json');
      expect(h['x-webhook-event']).toBe('customer.created');
      expect(h['x-webhook-subscription']).toBe(webhook.id);
      expect(h['x-webhook-attempt']).toBe('1');
      expect(queued.map((d) => d.id)).toContain(h['x-webhook-id']);
      expect(
        verifySignature(signingSecret, {
          timestamp: h['x-webhook-timestamp'] as string,
          body: request.body,
          signature: h['x-webhook-signature'] as string,
        }),
      ).toBe(true);
      expect(
        verifySignature('whsec_wrong', {
          timestamp: h['x-webhook-timestamp'] as string,
          body: request.body,
          signature: h['x-webhook-signature'] as string,
        }),
      ).toBe(false);
    }
    const events = receiver.received.map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.data)).toEqual(expect.arrayContaining([first.record, second.record]));
    expect(events[0]).toMatchObject({
      type: 'customer.created',
      entity: 'customer',
      operation: 'created',
      organisation_id: w.orgA.id,
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    expect(queued.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(hook.lastSuccessAt).not.toBeNull();
  });

  it('two workers at once never send the same delivery twice', async () => {
    await subscribe(userKey.actor);
    for (let i = 0; i < 6; i++) await commitChange();
    const [a, b] = await Promise.all([
      runDueDeliveries({ ...RUN, limit: 4 }),
      runDueDeliveries({ ...RUN, limit: 4 }),
    ]);
    const rest = await runDueDeliveries(RUN);
    const ids = [...a, ...b, ...rest].map((o) => o.id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(receiver.received).toHaveLength(6);
    expect(new Set(receiver.received.map((r) => r.headers['x-webhook-id'])).size).toBe(6);
  });

  it('retries a failed delivery with exponential backoff, same id, until the receiver takes it', async () => {
    const { webhook } = await subscribe(userKey.actor);
    await commitChange();
    receiver.status = 500;
    const t0 = new Date();
    const [first] = await runDueDeliveries({ ...RUN, now: t0 });
    expect(first).toMatchObject({ result: 'retry', statusCode: 500 });
    let [delivery] = await deliveriesOf(webhook.id);
    const delay1 = delivery.nextAttemptAt.getTime() - t0.getTime();
    expect(delay1).toBeGreaterThanOrEqual(800);
    expect(delay1).toBeLessThanOrEqual(1200);

    // Not due yet: nothing is sent before its time.
    expect(await runDueDeliveries({ ...RUN, now: new Date(t0.getTime() + 500) })).toEqual([]);

    const t1 = new Date(t0.getTime() + delay1);
    expect((await runDueDeliveries({ ...RUN, now: t1 }))[0]).toMatchObject({ result: 'retry' });
    [delivery] = await deliveriesOf(webhook.id);
    const delay2 = delivery.nextAttemptAt.getTime() - t1.getTime();
    expect(delay2).toBeGreaterThanOrEqual(1600);
    expect(delay2).toBeLessThanOrEqual(2400);

    receiver.status = 204;
    const t2 = new Date(t1.getTime() + delay2);
    expect((await runDueDeliveries({ ...RUN, now: t2 }))[0]).toMatchObject({ result: 'delivered' });
    expect(receiver.received.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(receiver.received.map((r) => r.headers['x-webhook-id'])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);

    const attempts = await db
      .select()
      .from(webhookDeliveryAttempts)
      .where(eq(webhookDeliveryAttempts.webhookId, webhook.id))
      .orderBy(webhookDeliveryAttempts.attempt);
    expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(hook).toMatchObject({ status: 'active', consecutiveFailures: 0, failingSince: null });
    // What the owner sees (GET /crm/webhooks/{id}/deliveries): newest first; nobody else sees it.
    const seen = await listWebhookDeliveries(userKey.actor, webhook.id);
    expect(seen.map((a) => [a.attempt, a.statusCode])).toEqual([
      [3, 204],
      [2, 500],
      [1, 500],
    ]);
    await expect(listWebhookDeliveries(w.adminB.actor, webhook.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('a receiver that is down gets the delivery after it comes back', async () => {
    const { webhook } = await subscribe(userKey.actor);
    await commitChange();
    const port = receiver.port;
    await receiver.stop();
    try {
      const t0 = new Date();
      const [failed] = await runDueDeliveries({ ...RUN, now: t0 });
      expect(failed).toMatchObject({ result: 'retry', statusCode: null, error: 'Connection refused.' });
      const [delivery] = await deliveriesOf(webhook.id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Connection refused.' });
      await receiver.start(port);
      const [ok] = await runDueDeliveries({ ...RUN, now: new Date(t0.getTime() + 60_000) });
      expect(ok.result).toBe('delivered');
      expect(receiver.received).toHaveLength(1);
    } finally {
      if (!receiver.port || receiver.port !== port) await receiver.start(port).catch(() => {});
    }
  });

  it('switches a subscription off after consecutive failures, and play starts it afresh', async () => {
    const { webhook } = await subscribe(userKey.actor);
    await commitChange();
    await commitChange();
    receiver.status = 503;
    const options = { ...RUN, disableAfterFailures: 3, disableAfterMs: 0 };
    let now = new Date();
    // Two deliveries fail once each (2 in a row), then one fails again: the third failure in a row.
    await runDueDeliveries({ ...options, now, limit: 2 });
    now = new Date(now.getTime() + 10_000);
    const outcomes = await runDueDeliveries({ ...options, now, limit: 1 });
    expect(outcomes).toHaveLength(1);

    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(hook).toMatchObject({ status: 'disabled', disabledReason: 'failing', consecutiveFailures: 3 });
    const deliveries = await deliveriesOf(webhook.id);
    expect(deliveries.filter((d) => d.status === 'pending')).toHaveLength(0);
    const [audit] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, webhook.id), eq(auditEvents.action, 'webhook.switched_off')));
    expect(audit).toMatchObject({ actorType: 'system' });

    // Switched off: changes queue nothing, and nothing more is sent.
    await commitChange();
    expect(await runDueDeliveries({ ...options, now: new Date(now.getTime() + 3600_000) })).toEqual([]);
    expect(await deliveriesOf(webhook.id)).toHaveLength(2);

    const resumed = await setWebhookStatus(userKey.actor, webhook.id, { status: 'active' });
    expect(resumed).toMatchObject({ status: 'active', disabledReason: null, consecutiveFailures: 0 });
    receiver.status = 200;
    await commitChange();
    expect((await runDueDeliveries(options))[0].result).toBe('delivered');
  });

  it('gives a delivery up after the last attempt, and a 410 Gone switches the subscription off', async () => {
    const { webhook } = await subscribe(userKey.actor);
    await commitChange();
    receiver.status = 500;
    const options = { ...RUN, maxAttempts: 2, disableAfterFailures: 100 };
    const now = new Date();
    expect((await runDueDeliveries({ ...options, now }))[0].result).toBe('retry');
    expect((await runDueDeliveries({ ...options, now: new Date(now.getTime() + 5000) }))[0].result).toBe(
      'failed',
    );
    expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ status: 'failed', attempts: 2 });

    receiver.status = 410;
    await commitChange();
    expect((await runDueDeliveries(options))[0]).toMatchObject({ result: 'failed', statusCode: 410 });
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(hook).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
  });

  it('cancels, rather than sends, what was queued before the key lost its access', async () => {
    const { webhook } = await subscribe(userKey.actor);
    await commitChange();
    await setOrganisationApiAccess(w.orgA.id, false);
    try {
      const [outcome] = await runDueDeliveries(RUN);
      expect(outcome).toMatchObject({ result: 'cancelled' });
      expect(outcome.error).toContain('api_access_disabled');
      expect(receiver.received).toHaveLength(0);
      expect((await deliveriesOf(webhook.id))[0].status).toBe('cancelled');
    } finally {
      await setOrganisationApiAccess(w.orgA.id, true);
    }
  });

  it('pausing cancels what is queued; deleting removes the subscription and its queue', async () => {
    const { webhook } = await subscribe(userKey.actor);
    await commitChange();
    await setWebhookStatus(userKey.actor, webhook.id, { status: 'paused' });
    expect(await runDueDeliveries(RUN)).toEqual([]);
    expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ status: 'cancelled' });
    await deleteWebhook(userKey.actor, webhook.id);
    expect(await deliveriesOf(webhook.id)).toHaveLength(0);
    expect(await listWebhooksOfCaller(userKey.actor)).toEqual([]);
    const actions = await db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.targetId, webhook.id))
      .orderBy(auditEvents.id);
    expect(actions.map((a) => a.action)).toEqual(['webhook.created', 'webhook.paused', 'webhook.deleted']);
  });
});

describe('who may subscribe, and to what', () => {
  it('refuses private and loopback receivers unless allowed, and metadata always', async () => {
    const input = (url: string) =>
      createWebhookSchema.parse({ url, entity: 'customer', operation: 'created' });
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost:9/x',
      'http://10.0.0.1/x',
      'http://[::1]/x',
    ]) {
      await expect(
        createWebhook(userKey.actor, w.orgA.id, input(url), undefined, { allowPrivate: false }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
        fields: { url: [expect.stringContaining('private')] },
      });
    }
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/', 'http://0.0.0.0/']) {
      await expect(
        createWebhook(userKey.actor, w.orgA.id, input(url), undefined, { allowPrivate: true }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    }
    expect(await db.select().from(webhooks)).toHaveLength(0);
  });

  it('checks the address again at delivery time', async () => {
    const { webhook } = await subscribe(userKey.actor);
    await commitChange();
    const [outcome] = await runDueDeliveries({ ...RUN, allowPrivate: false });
    expect(outcome).toMatchObject({ result: 'retry', statusCode: null });
    expect(outcome.error).toContain('Refused');
    expect(receiver.received).toHaveLength(0);
    expect((await deliveriesOf(webhook.id))[0].status).toBe('pending');
  });

  it('needs read permission on the entity and a key; returns the signing secret only once', async () => {
    const { secret } = await createApiKey(
      w.adminA.actor,
      createApiKeySchema.parse({
        name: `Hooks only ${Math.random()}`,
        permissions: ['webhooks:write', 'webhooks:read'],
        tenants: [w.orgA.id],
      }),
    );
    await expect(subscribe(await keyActor(secret))).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(subscribe(w.adminA.actor)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      createWebhook(
        userKey.actor,
        w.orgB.id,
        createWebhookSchema.parse({ url: receiver.url, entity: 'customer', operation: 'created' }),
        undefined,
        PRIVATE,
      ),
    ).rejects.toMatchObject({ code: 'tenant_forbidden' });

    const created = await subscribe(userKey.actor);
    expect(created.signingSecret).toMatch(/^whsec_/);
    const listed = await listWebhooksOfCaller(userKey.actor);
    expect(JSON.stringify(listed)).not.toContain(created.signingSecret);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.targetId, created.webhook.id));
    expect(JSON.stringify(audit)).not.toContain(created.signingSecret);
  });

  it('keeps webhooks to the key that registered them, its user and the admins of its organisation', async () => {
    const { webhook } = await subscribe(userKey.actor);
    const { secret } = await createPersonalKey(w.adminB.actor);
    const otherKey = await keyActor(secret);
    await expect(setWebhookStatus(otherKey, webhook.id, { status: 'paused' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(setWebhookStatus(w.adminB.actor, webhook.id, { status: 'paused' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(deleteWebhook(otherKey, webhook.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await setWebhookStatus(w.adminA.actor, webhook.id, { status: 'paused' })).toMatchObject({
      status: 'paused',
    });
    expect(await setWebhookStatus(w.userA.actor, webhook.id, { status: 'active' })).toMatchObject({
      status: 'active',
    });
  });

  it('clearing the key switches its webhooks off and cancels their queue; play is then refused', async () => {
    const world = await createWorld();
    await setOrganisationApiAccess(world.orgA.id, true);
    const { secret } = await createPersonalKey(world.userA.actor);
    const actor = await keyActor(secret);
    const { webhook } = await createWebhook(
      actor,
      world.orgA.id,
      createWebhookSchema.parse({ url: receiver.url, entity: 'lead', operation: 'deleted' }),
      undefined,
      PRIVATE,
    );
    await commitChange(change({ organisationId: world.orgA.id, entity: 'lead', operation: 'deleted' }));
    await clearPersonalKey(world.adminA.actor, { userId: world.userA.user.id });
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(hook).toMatchObject({ status: 'disabled', disabledReason: 'key_cleared' });
    expect((await deliveriesOf(webhook.id))[0].status).toBe('cancelled');
    await expect(setWebhookStatus(world.userA.actor, webhook.id, { status: 'active' })).rejects.toMatchObject(
      {
        code: 'conflict',
      },
    );
  });
});

describe('in order per record and receiver', () => {
  /** created, updated and deleted of one record go to one receiver through three subscriptions. */
  async function subscribeAll() {
    for (const operation of ['created', 'updated', 'deleted']) await subscribe(userKey.actor, { operation });
  }
  const lifecycle = (id: string) =>
    (['created', 'updated', 'deleted'] as const).map((operation) =>
      change({ operation, record: { id, name: `Initech ${operation}` } }),
    );
  const sent = () =>
    receiver.received.map(
      (r) => JSON.parse(r.body) as { type: string; occurred_at: string; data: { id: string } },
    );

  it('holds a record’s later events while an earlier one waits for its retry, then sends them in order', async () => {
    await subscribeAll();
    const r = crypto.randomUUID();
    const s = crypto.randomUUID();
    for (const c of lifecycle(r)) await commitChange(c);
    await commitChange(change({ record: { id: s, name: 'Hooli' } }));

    receiver.status = 500;
    const t0 = new Date();
    // Only the first event of each record is sent; R's update and delete wait behind its creation.
    let outcomes = await runDueDeliveries({ ...RUN, now: t0 });
    expect(outcomes.map((o) => o.result)).toEqual(['retry', 'retry']);
    outcomes = await runDueDeliveries({ ...RUN, now: new Date(t0.getTime() + 60_000) });
    expect(outcomes.map((o) => o.result)).toEqual(['retry', 'retry']);
    expect(sent().every((e) => e.type === 'customer.created')).toBe(true);

    receiver.status = 200;
    receiver.received.length = 0;
    for (let i = 2; i < 6; i++) await runDueDeliveries({ ...RUN, now: new Date(t0.getTime() + i * 60_000) });
    const forR = sent().filter((e) => e.data.id === r);
    expect(forR.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    // occurred_at (the database's clock, to the microsecond) orders them too.
    expect(forR.map((e) => e.occurred_at)).toEqual(forR.map((e) => e.occurred_at).sort());
    expect(new Set(forR.map((e) => e.occurred_at)).size).toBe(3);
    expect(forR[0].occurred_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(sent().filter((e) => e.data.id === s)).toHaveLength(1);
  });

  it('two workers at once never send two events of one record at the same time', async () => {
    await subscribeAll();
    const r = crypto.randomUUID();
    for (const c of lifecycle(r)) await commitChange(c);
    const [a, b] = await Promise.all([runDueDeliveries(RUN), runDueDeliveries(RUN)]);
    expect([...a, ...b].map((o) => o.result)).toEqual(['delivered']);
    expect((await runDueDeliveries(RUN)).length).toBe(1);
    expect((await runDueDeliveries(RUN)).length).toBe(1);
    expect(sent().map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
  });

  it('an earlier event that is cancelled (its subscription paused) no longer holds the later ones', async () => {
    const created = await subscribe(userKey.actor);
    await subscribe(userKey.actor, { operation: 'updated' });
    const r = crypto.randomUUID();
    const [c, u] = lifecycle(r);
    await commitChange(c);
    await commitChange(u);
    await setWebhookStatus(userKey.actor, created.webhook.id, { status: 'paused' });
    expect((await runDueDeliveries(RUN)).map((o) => o.result)).toEqual(['delivered']);
    expect(sent().map((e) => e.type)).toEqual(['customer.updated']);
  });

  it('different receivers of one record do not wait for each other', async () => {
    const other = await new WebhookReceiver().start();
    try {
      await subscribe(userKey.actor);
      await subscribe(userKey.actor, { url: other.url });
      await commitChange(change({ record: { id: crypto.randomUUID(), name: 'Initech' } }));
      expect((await runDueDeliveries(RUN)).map((o) => o.result)).toEqual(['delivered', 'delivered']);
    } finally {
      await other.stop();
    }
  });
});
