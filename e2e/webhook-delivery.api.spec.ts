import { expect, test } from '@playwright/test';
import { inArray } from 'drizzle-orm';
import { webhookDeliveries } from '../db/schema';
import { WebhookReceiver, isSignedWith } from '../test/webhook-receiver';
import {
  createAppDatabase,
  insertPersonalKey,
  startApp,
  type AppDatabase,
  type RunningApp,
} from './app-process';
import { DEMO, PORTS } from './config';

/**
 * Webhooks end to end, over HTTP against the built app on each database: a receiver on 127.0.0.1
 * gets exactly one signed delivery per change; a receiver that is down gets its deliveries once it
 * is back, even though the app was stopped and started again in between (the queue is in the
 * database, not in memory). This spec starts its own app, since it restarts it.
 */
test.describe.configure({ mode: 'serial' });

const RETRY_FAST = {
  WEBHOOKS_ALLOW_PRIVATE: '1',
  WEBHOOKS_RETRY_BASE_MS: '300',
  WEBHOOKS_RETRY_MAX_MS: '1000',
  WEBHOOKS_POLL_MS: '100',
  WEBHOOKS_TIMEOUT_MS: '2000',
};

test('one signed delivery per change; a receiver that is down gets it after it is back, across an app restart', async ({
  playwright,
}, testInfo) => {
  test.setTimeout(240_000);
  const mode = testInfo.project.name.endsWith('postgres') ? 'postgres' : 'pglite';
  const port = PORTS[mode] + 10;
  const up = await new WebhookReceiver().start();
  // The second receiver is down: take a free port, then close it.
  const down = await new WebhookReceiver().start();
  await down.stop();

  let database: AppDatabase | undefined;
  let app: RunningApp | undefined;
  try {
    database = await createAppDatabase(mode);
    const key = await insertPersonalKey(database, DEMO.admin);
    app = await startApp(port, { ...database.env, ...RETRY_FAST });
    const api = await playwright.request.newContext({
      baseURL: app.baseURL,
      extraHTTPHeaders: { 'X-API-KEY': key },
    });

    // Subscribe both receivers to customer.created.
    const subscribe = async (url: string) => {
      const res = await api.post('/crm/webhooks', {
        data: { url, entity: 'customer', operation: 'created' },
      });
      expect(res.status()).toBe(201);
      return (await res.json()) as { id: string; signing_secret: string };
    };
    const toUp = await subscribe(up.url);
    const toDown = await subscribe(down.url);
    expect(toUp.signing_secret).not.toBe(toDown.signing_secret);
    const listed = await (await api.get('/crm/webhooks')).json();
    expect(JSON.stringify(listed)).not.toContain(toUp.signing_secret);

    // Two changes through the API.
    for (const name of ['Initech', 'Hooli']) {
      const res = await api.post('/crm/customers', { data: { name } });
      expect(res.status()).toBe(201);
    }
    await up.waitFor(2);
    expect(up.received.every((r) => isSignedWith(r, toUp.signing_secret))).toBe(true);
    expect(up.received.some((r) => isSignedWith(r, toDown.signing_secret))).toBe(false);
    const events = up.received.map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.data.name).sort()).toEqual(['Hooli', 'Initech']);
    expect(events.every((e) => e.type === 'customer.created')).toBe(true);
    expect(new Set(up.received.map((r) => r.headers['x-webhook-id'])).size).toBe(2);

    // The receiver that is down: its deliveries fail and wait for a retry…
    await expect
      .poll(
        async () => {
          const hooks = (await (await api.get('/crm/webhooks')).json()).data as {
            id: string;
            consecutive_failures: number;
          }[];
          return hooks.find((h) => h.id === toDown.id)?.consecutive_failures ?? 0;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(2);
    await api.dispose();

    // …the app stops with them still queued…
    await app.stop();
    app = undefined;
    const handle = database.open();
    try {
      await handle.ready;
      const queued = await handle.db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.webhookId, [toDown.id]));
      expect(queued).toHaveLength(2);
      expect(queued.every((d) => d.status === 'pending' && d.attempts >= 1)).toBe(true);
    } finally {
      await handle.close();
    }

    // …the receiver comes back, the app starts again, and every delivery arrives, signed, once.
    await down.start(down.port);
    app = await startApp(port, { ...database.env, ...RETRY_FAST });
    await down.waitFor(2, 60_000);
    expect(down.received.every((r) => isSignedWith(r, toDown.signing_secret))).toBe(true);
    expect(down.received.map((r) => JSON.parse(r.body).data.name).sort()).toEqual(['Hooli', 'Initech']);
    expect(down.received.every((r) => Number(r.headers['x-webhook-attempt']) > 1)).toBe(true);
    // The owner sees the attempts; wait until the app has recorded both successes before stopping it
    // (stopped mid-delivery, a delivery is sent again after its lease: at least once, by design).
    const again = await playwright.request.newContext({
      baseURL: app.baseURL,
      extraHTTPHeaders: { 'X-API-KEY': key },
    });
    await expect
      .poll(
        async () => {
          const res = await again.get(`/crm/webhooks/${toDown.id}/deliveries`);
          const attempts = (await res.json()).data as { status_code: number | null; error: string | null }[];
          expect(attempts.some((a) => a.status_code === null && a.error === 'Connection refused.')).toBe(
            true,
          );
          return attempts.filter((a) => a.status_code === 200).length;
        },
        { timeout: 30_000 },
      )
      .toBe(2);
    await again.dispose();

    await app.stop();
    app = undefined;
    const after = database.open();
    try {
      await after.ready;
      const all = await after.db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.webhookId, [toUp.id, toDown.id]));
      expect(all).toHaveLength(4);
      expect(all.every((d) => d.status === 'delivered')).toBe(true);
      expect(all.filter((d) => d.webhookId === toUp.id).map((d) => d.attempts)).toEqual([1, 1]);
    } finally {
      await after.close();
    }
    // Exactly one delivery per change and receiver: nothing was sent twice.
    expect(up.received).toHaveLength(2);
    expect(down.received).toHaveLength(2);
  } finally {
    await app?.stop();
    await up.stop();
    await down.stop();
    await database?.remove();
  }
});
