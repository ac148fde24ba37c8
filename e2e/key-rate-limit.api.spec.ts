import { expect, test, type APIRequestContext } from '@playwright/test';
import postgres from 'postgres';
import { createAppDatabase, startApp, type AppDatabase, type RunningApp } from './app-process';
import { HAS_POSTGRES, PORTS } from './config';
import { createKey, demoWorld, keyHeader, signInOverHttp } from './helpers/api';

/**
 * The per-key rate limit (`rate_limit_per_minute`), over HTTP against the built app: the limit is
 * one count for every instance, refusals are 429 rate_limited with Retry-After, every response to a
 * limited key carries the RateLimit-* headers, keys without a limit are untouched, and an edit
 * applies at once.
 */

type Sent = { status: number; headers: Headers; code?: string };

async function send(url: string, secret: string): Promise<Sent> {
  const res = await fetch(url, { headers: keyHeader(secret) });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, headers: res.headers, code: body.error?.code };
}

/** Every RateLimit-* header of a limited key's response, as numbers (the policy as text). */
function rateHeaders(sent: Sent) {
  const h = sent.headers;
  return {
    limit: Number(h.get('ratelimit-limit')),
    remaining: Number(h.get('ratelimit-remaining')),
    reset: Number(h.get('ratelimit-reset')),
    policy: h.get('ratelimit-policy'),
  };
}

/** A 429 of the per-key limit: the code, Retry-After within the minute, the same reset in RateLimit-Reset. */
function expectRefused(sent: Sent, limit: number) {
  expect(sent.status).toBe(429);
  expect(sent.code).toBe('rate_limited');
  const retryAfter = Number(sent.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(rateHeaders(sent)).toEqual({ limit, remaining: 0, reset: retryAfter, policy: `${limit};w=60` });
}

function expectNoRateHeaders(sent: Sent) {
  for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy']) {
    expect(sent.headers.get(name), name).toBeNull();
  }
}

type UsageTotals = { total: number; success: number; denied: number; rate_limited: number };

async function usageTotals(admin: APIRequestContext, keyId: string, expected: number) {
  let totals: UsageTotals | undefined;
  await expect
    .poll(async () => {
      const res = await admin.get(`/crm/api-keys/${keyId}/usage?window=24h`);
      totals = ((await res.json()) as { totals: UsageTotals }).totals;
      return totals?.total;
    })
    .toBeGreaterThanOrEqual(expected);
  return totals!;
}

test.describe('per-key rate limit, one instance', () => {
  test('a key limited to 6 a minute gets 6, then 429 rate_limited; all counted by outcome', async ({
    baseURL,
  }) => {
    const { admin, acmeId } = await demoWorld(baseURL);
    const key = await createKey(admin, {
      permissions: ['customers:read'],
      tenants: [acmeId],
      rate_limit_per_minute: 6,
    });
    expect(key.body.rate_limit_per_minute).toBe(6);

    // Any response of a limited key says where it stands — a refusal for another reason too (the key
    // may not read keys: 403), which counts against the limit like any other request.
    const denied = await send(`${baseURL}/crm/api-keys`, key.secret);
    expect(denied.status).toBe(403);
    expect(rateHeaders(denied)).toMatchObject({ limit: 6, remaining: 5, policy: '6;w=60' });

    for (let left = 4; left >= 0; left--) {
      const ok = await send(`${baseURL}/crm/me`, key.secret);
      expect(ok.status).toBe(200);
      const h = rateHeaders(ok);
      expect(h).toMatchObject({ limit: 6, remaining: left, policy: '6;w=60' });
      expect(h.reset).toBeGreaterThanOrEqual(1);
      expect(h.reset).toBeLessThanOrEqual(60);
      expect(ok.headers.get('retry-after')).toBeNull();
    }
    for (let i = 0; i < 3; i++) expectRefused(await send(`${baseURL}/crm/me`, key.secret), 6);

    // Counted in usage (and the access log beneath it) as rate-limited, not as denied.
    expect(await usageTotals(admin, key.id, 9)).toEqual({
      total: 9,
      success: 5,
      denied: 1,
      rate_limited: 3,
    });
  });

  test('keys without a limit and session requests are untouched: no refusals, no RateLimit headers', async ({
    baseURL,
  }) => {
    const { admin, acmeId } = await demoWorld(baseURL);
    const key = await createKey(admin, { permissions: ['customers:read'], tenants: [acmeId] });
    expect(key.body.rate_limit_per_minute).toBeNull();
    const sent = await Promise.all(Array.from({ length: 40 }, () => send(`${baseURL}/crm/me`, key.secret)));
    for (const s of sent) {
      expect(s.status).toBe(200);
      expectNoRateHeaders(s);
    }
    // A signed-in admin calling through the web app has no key, so no per-key limit.
    const session = await admin.get('/crm/api-keys?limit=1');
    expect(session.status()).toBe(200);
    expect(session.headers()['ratelimit-limit']).toBeUndefined();
  });

  test('an edited limit applies at once, to the window under way; removing it lifts it', async ({
    baseURL,
  }) => {
    const { admin, acmeId } = await demoWorld(baseURL);
    const key = await createKey(admin, {
      permissions: ['customers:read'],
      tenants: [acmeId],
      rate_limit_per_minute: 2,
    });
    const me = () => send(`${baseURL}/crm/me`, key.secret);
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    expectRefused(await me(), 2);

    const raised = await admin.patch(`/crm/api-keys/${key.id}`, { data: { rate_limit_per_minute: 4 } });
    expect(raised.status()).toBe(200);
    const third = await me();
    expect(third.status).toBe(200);
    expect(rateHeaders(third)).toMatchObject({ limit: 4, remaining: 1 });
    expect((await me()).status).toBe(200);
    expectRefused(await me(), 4);

    const lifted = await admin.patch(`/crm/api-keys/${key.id}`, { data: { rate_limit_per_minute: null } });
    expect(lifted.status()).toBe(200);
    const free = await me();
    expect(free.status).toBe(200);
    expectNoRateHeaders(free);
  });
});

test.describe('per-key rate limit, two app instances on one PostgreSQL', () => {
  test.skip(!HAS_POSTGRES, 'needs PostgreSQL (DATABASE_URL)');

  const portA = PORTS.pglite + 52;
  const portB = PORTS.pglite + 53;
  let database: AppDatabase | undefined;
  const apps: RunningApp[] = [];

  test.beforeAll(async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'api:postgres', 'runs once, in the PostgreSQL project');
    test.setTimeout(180_000);
    database = await createAppDatabase('postgres');
    // One after the other: the first start applies migrations.
    apps.push(await startApp(portA, { ...database.env, USAGE_FLUSH_MS: '500' }));
    apps.push(await startApp(portB, { ...database.env, USAGE_FLUSH_MS: '500' }));
  });

  test.afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await database?.remove();
  });

  test('a key limited to 20 a minute gets 20 in total across both, not 20 each', async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'api:postgres', 'runs once, in the PostgreSQL project');
    const [a, b] = apps.map((app) => app.baseURL);
    const admin = await signInOverHttp(a, 'admin');
    const acme = (
      (await (await admin.get('/crm/api-keys?limit=1')).json()) as { data: { organisation_id: string }[] }
    ).data[0].organisation_id;
    const limited = await createKey(admin, {
      permissions: ['customers:read'],
      tenants: [acme],
      rate_limit_per_minute: 20,
    });
    const unlimited = await createKey(admin, { permissions: ['customers:read'], tenants: [acme] });

    // 50 requests at once, alternating between the instances.
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) => send(`${i % 2 ? b : a}/crm/me`, limited.secret)),
    );
    const ok = sent.filter((s) => s.status === 200);
    const refused = sent.filter((s) => s.status !== 200);
    expect(ok).toHaveLength(20);
    // Each success saw its own place in the one shared count: remaining 19, 18, … 0, none twice.
    expect(ok.map((s) => rateHeaders(s).remaining).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    for (const s of ok) expect(rateHeaders(s)).toMatchObject({ limit: 20, policy: '20;w=60' });
    expect(refused).toHaveLength(30);
    for (const s of refused) expectRefused(s, 20);
    // Both instances refuse from now on, whichever had counted what.
    expectRefused(await send(`${a}/crm/me`, limited.secret), 20);
    expectRefused(await send(`${b}/crm/me`, limited.secret), 20);

    // The key without a limit, at the same time and on the same instances: never refused.
    const free = await Promise.all(
      Array.from({ length: 60 }, (_, i) => send(`${i % 2 ? b : a}/crm/me`, unlimited.secret)),
    );
    for (const s of free) {
      expect(s.status).toBe(200);
      expectNoRateHeaders(s);
    }

    // Both instances counted their refusals as rate-limited: in the hourly usage and the access log.
    const sql = postgres(database!.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      await expect
        .poll(async () => {
          const [usage] = await sql<{ success: number; rate_limited: number }[]>`
            select coalesce(sum(success), 0)::int as success, coalesce(sum(rate_limited), 0)::int as rate_limited
            from key_usage_hourly where key_id = ${limited.id}`;
          const log = await sql<{ status: number; n: number }[]>`
            select status, count(*)::int as n from key_access_log where key_id = ${limited.id}
            group by status order by status`;
          return { usage: { ...usage }, log: log.map((r) => ({ ...r })) };
        })
        .toEqual({
          usage: { success: 20, rate_limited: 32 },
          log: [
            { status: 200, n: 20 },
            { status: 429, n: 32 },
          ],
        });
    } finally {
      await sql.end();
    }
  });

  test('a limit raised through A applies on B at once, though B had the key cached', async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'api:postgres', 'runs once, in the PostgreSQL project');
    const [a, b] = apps.map((app) => app.baseURL);
    const admin = await signInOverHttp(a, 'admin');
    const acme = (
      (await (await admin.get('/crm/api-keys?limit=1')).json()) as { data: { organisation_id: string }[] }
    ).data[0].organisation_id;
    const key = await createKey(admin, {
      permissions: ['customers:read'],
      tenants: [acme],
      rate_limit_per_minute: 3,
    });
    for (let i = 0; i < 3; i++) expect((await send(`${b}/crm/me`, key.secret)).status).toBe(200);
    expectRefused(await send(`${b}/crm/me`, key.secret), 3);

    const raised = await admin.patch(`/crm/api-keys/${key.id}`, { data: { rate_limit_per_minute: 5 } });
    expect(raised.status()).toBe(200);
    // B's cached record (limit 3) is evicted by NOTIFY within moments; refusals until then count nothing.
    await expect
      .poll(async () => (await send(`${b}/crm/me`, key.secret)).status, { timeout: 1000, intervals: [5] })
      .toBe(200);
    const next = await send(`${a}/crm/me`, key.secret);
    expect(next.status).toBe(200);
    expect(rateHeaders(next)).toMatchObject({ limit: 5, remaining: 0 });
    expectRefused(await send(`${b}/crm/me`, key.secret), 5);
  });
});
