import { expect, test, type APIRequestContext } from '@playwright/test';
import { WebhookReceiver, isSignedWith } from '../test/webhook-receiver';
import {
  createAppDatabase,
  insertPersonalKey,
  startApp,
  type AppDatabase,
  type RunningApp,
} from './app-process';
import { DEMO, PORTS } from './config';
import { createKey } from './helpers/api';

/**
 * Webhook events about API keys, over HTTP against the built app on each database: a receiver on
 * 127.0.0.1 gets a correctly signed api_key.rotated and api_key.revoked for a key it may see (and
 * api_key.expiring from the background sweep, with no cron), never one about a key beyond its
 * subscriber's reach, and never a secret. Its own app: the sweep runs every second here, and no
 * other spec's key changes reach its receivers.
 */
test.describe.configure({ mode: 'serial' });

const FAST = {
  WEBHOOKS_ALLOW_PRIVATE: '1',
  WEBHOOKS_POLL_MS: '200',
  WEBHOOKS_KEY_SWEEP_MS: '1000',
  WEBHOOKS_RETRY_BASE_MS: '300',
};

type KeyEvent = {
  id: string;
  type: string;
  entity: string;
  operation: string;
  organisation_id: string;
  occurred_at: string;
  data: Record<string, unknown> & { api_key_id: string; status: string };
  details: Record<string, unknown>;
};

/** What a receiver got, optionally only about some keys (the demo's own keys may be expiring too). */
const eventsOf = (receiver: WebhookReceiver, keyIds?: string[]) =>
  receiver.received
    .map((r) => ({ received: r, event: JSON.parse(r.body) as KeyEvent }))
    .filter((e) => !keyIds || keyIds.includes(e.event.data.api_key_id));

test('a subscriber gets signed api_key.rotated, .revoked and .expiring for keys it may see, and only those', async ({
  playwright,
}, testInfo) => {
  test.setTimeout(180_000);
  const mode = testInfo.project.name.endsWith('postgres') ? 'postgres' : 'pglite';
  const port = PORTS[mode] + 56;
  const everything = await new WebhookReceiver().start();
  const narrow = await new WebhookReceiver().start();

  let database: AppDatabase | undefined;
  let app: RunningApp | undefined;
  let api: APIRequestContext | undefined;
  try {
    database = await createAppDatabase(mode);
    const adminKey = await insertPersonalKey(database, DEMO.admin);
    app = await startApp(port, { ...database.env, ...FAST });
    api = await playwright.request.newContext({
      baseURL: app.baseURL,
      extraHTTPHeaders: { 'X-API-KEY': adminKey },
    });
    const subscribe = async (client: APIRequestContext, url: string, operation: string) => {
      const res = await client.post('/crm/webhooks', { data: { url, entity: 'api_key', operation } });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()) as { id: string; signing_secret: string; entity: string; operation: string };
    };

    // Operations go with their entity: a wrong pair is 422 naming `operation`.
    const wrong = await api.post('/crm/webhooks', {
      data: { url: everything.url, entity: 'api_key', operation: 'created' },
    });
    expect(wrong.status()).toBe(422);
    expect(Object.keys((await wrong.json()).error.fields)).toEqual(['operation']);
    // Key events need api_keys:read.
    const me = (await (await api.get('/crm/api-keys?limit=1')).json()) as {
      data: { organisation_id: string }[];
    };
    const org = me.data[0].organisation_id;
    const withoutKeyRead = await createKey(api, {
      permissions: ['webhooks:read', 'webhooks:write', 'customers:read'],
      tenants: [org],
    });
    const refused = await api.post('/crm/webhooks', {
      headers: { 'X-API-KEY': withoutKeyRead.secret },
      data: { url: everything.url, entity: 'api_key', operation: 'revoked' },
    });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.code).toBe('permission_denied');

    // The admin's personal key sees every key of the organisation; the narrow key only keys within
    // its own permissions.
    const rotatedHook = await subscribe(api, everything.url, 'rotated');
    const revokedHook = await subscribe(api, everything.url, 'revoked');
    const expiringHook = await subscribe(api, everything.url, 'expiring');
    expect(revokedHook).toMatchObject({ entity: 'api_key', operation: 'revoked' });
    const narrowKey = await createKey(api, {
      permissions: ['webhooks:read', 'webhooks:write', 'api_keys:read', 'customers:read'],
      tenants: [org],
    });
    const narrowApi = await playwright.request.newContext({
      baseURL: app.baseURL,
      extraHTTPHeaders: { 'X-API-KEY': narrowKey.secret },
    });
    const narrowHook = await subscribe(narrowApi, narrow.url, 'revoked');
    await narrowApi.dispose();

    // A key the narrow subscriber may see, expiring in 3 days; and one it may not.
    const expiry = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const target = await createKey(api, {
      permissions: ['customers:read'],
      tenants: [org],
      expiry_date: expiry,
    });
    const beyond = await createKey(api, { permissions: ['leads:write'], tenants: [org] });
    // The background sweep (every second here, no cron) sends the 7-day notice.
    await expect
      .poll(
        () =>
          eventsOf(everything, [target.id, beyond.id]).map((e) => [e.event.type, e.event.data.api_key_id]),
        {
          timeout: 30_000,
        },
      )
      .toEqual([['api_key.expiring', target.id]]);

    const regenerated = await api.post(`/crm/api-keys/${target.id}/regenerate`, {
      data: { grace_period_seconds: 60 },
    });
    expect(regenerated.status()).toBe(201);
    const newSecret = ((await regenerated.json()) as { api_key: string }).api_key;
    for (const id of [target.id, beyond.id]) {
      expect((await api.post(`/crm/api-keys/${id}/revoke`)).status()).toBe(200);
    }

    // rotated and revoked of both keys, and the sweep's 7-day notice of the target.
    await expect
      .poll(
        () =>
          eventsOf(everything, [target.id, beyond.id])
            .map((e) => e.event.type)
            .sort(),
        { timeout: 30_000 },
      )
      .toEqual(['api_key.expiring', 'api_key.revoked', 'api_key.revoked', 'api_key.rotated']);
    const secretOf: Record<string, string> = {
      [rotatedHook.id]: rotatedHook.signing_secret,
      [revokedHook.id]: revokedHook.signing_secret,
      [expiringHook.id]: expiringHook.signing_secret,
    };
    for (const { received, event } of eventsOf(everything)) {
      const subscription = received.headers['x-webhook-subscription'] as string;
      expect(isSignedWith(received, secretOf[subscription]), event.type).toBe(true);
      // Signed by its own subscription's secret only.
      for (const [id, secret] of Object.entries(secretOf)) {
        if (id !== subscription) expect(isSignedWith(received, secret)).toBe(false);
      }
      expect(received.headers['x-webhook-event']).toBe(event.type);
      expect(event).toMatchObject({ entity: 'api_key', organisation_id: org });
      expect(event.type).toBe(`api_key.${event.operation}`);
      for (const secret of [target.secret, newSecret, beyond.secret])
        expect(received.body).not.toContain(secret);
      expect(received.body).not.toMatch(/key_hash|"api_key":/);
    }
    const byType = (type: string, keyId = target.id) =>
      eventsOf(everything).find((e) => e.event.type === type && e.event.data.api_key_id === keyId)!.event;

    const rotated = byType('api_key.rotated');
    const overlapEnds = Date.parse(rotated.details.previous_key_expires_at as string);
    expect(overlapEnds).toBeGreaterThan(Date.now() + 20_000);
    expect(overlapEnds).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(rotated.data.previous_key_expires_at).toBe(rotated.details.previous_key_expires_at);
    expect(byType('api_key.revoked')).toMatchObject({
      data: { status: 'revoked', permissions: ['customers:read'] },
      details: { reason: 'revoked' },
    });
    expect(byType('api_key.revoked', beyond.id).data.permissions).toEqual(['leads:write']);
    expect(byType('api_key.expiring')).toMatchObject({
      details: { days_before: 7, expires_at: target.body.expiry_date },
      data: { api_key_id: target.id },
    });
    // One receiver gets one key's events in the order they happened.
    const forTarget = eventsOf(everything, [target.id])
      .filter((e) => e.event.type !== 'api_key.expiring')
      .map((e) => e.event.type);
    expect(forTarget).toEqual(['api_key.rotated', 'api_key.revoked']);

    // The narrow subscriber heard of the key within its reach, not of the other one.
    await narrow.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(eventsOf(narrow).map((e) => [e.event.type, e.event.data.api_key_id])).toEqual([
      ['api_key.revoked', target.id],
    ]);
    expect(isSignedWith(narrow.received[0], narrowHook.signing_secret)).toBe(true);

    // The sweep keeps running: the notice is not sent again.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(eventsOf(everything, [target.id]).filter((e) => e.event.type === 'api_key.expiring')).toHaveLength(
      1,
    );
  } finally {
    await api?.dispose();
    await app?.stop();
    await everything.stop();
    await narrow.stop();
    await database?.remove();
  }
});
