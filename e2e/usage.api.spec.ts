import { expect, test, type APIRequestContext } from '@playwright/test';
import { createKeyOverHttp, signInOverHttp } from './http-session';

type Usage = {
  key_id: string;
  window: string;
  bucket: 'hour' | 'day';
  last_used_at: string | null;
  totals: { total: number; success: number; denied: number; rate_limited: number };
  series: { start: string; total: number; success: number; denied: number; rate_limited: number }[];
};

/** The usage endpoint once the flusher (every 500 ms on the test servers) has written `expected` requests. */
async function usageOnceFlushed(request: APIRequestContext, keyId: string, expected: number, window = '24h') {
  let usage: Usage | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get(`/crm/api-keys/${keyId}/usage?window=${window}`);
        usage = (await res.json()) as Usage;
        return usage.totals?.total;
      },
      { message: 'the usage endpoint reports every request' },
    )
    .toBeGreaterThanOrEqual(expected);
  return usage!;
}

test('N requests with a key are counted exactly, split by outcome, and the endpoint reports them', async ({
  request,
}) => {
  await signInOverHttp(request, 'admin');
  const key = await createKeyOverHttp(request, {
    name: `Usage ${Date.now()} ${Math.random()}`,
    permissions: ['customers:read'],
  });
  const SUCCESSES = 12;
  const DENIALS = 5;
  const headers = { 'X-API-KEY': key.secret, 'User-Agent': 'usage-spec/1.0' };
  for (let i = 0; i < SUCCESSES; i++) {
    expect((await request.get('/crm/me', { headers })).status()).toBe(200);
  }
  // The key lacks api_keys:read: reading its own usage is a denial (403), counted as such.
  for (let i = 0; i < DENIALS; i++) {
    expect((await request.get(`/crm/api-keys/${key.id}/usage`, { headers })).status()).toBe(403);
  }

  const day = await usageOnceFlushed(request, key.id, SUCCESSES + DENIALS);
  expect(day.totals).toEqual({
    total: SUCCESSES + DENIALS,
    success: SUCCESSES,
    denied: DENIALS,
    rate_limited: 0,
  });
  expect(day.bucket).toBe('hour');
  expect(day.series).toHaveLength(24);
  expect(day.series.reduce((n, p) => n + p.total, 0)).toBe(SUCCESSES + DENIALS);
  expect(day.last_used_at).not.toBeNull();

  for (const [window, points] of [
    ['7d', 7],
    ['30d', 30],
  ] as const) {
    const res = await request.get(`/crm/api-keys/${key.id}/usage?window=${window}`);
    const usage = (await res.json()) as Usage;
    expect(usage.bucket).toBe('day');
    expect(usage.series).toHaveLength(points);
    expect(usage.totals).toEqual(day.totals);
  }
});

test('the usage endpoint checks the window, the permission and the organisation', async ({
  playwright,
  baseURL,
}) => {
  const admin = await playwright.request.newContext({ baseURL });
  const globex = await playwright.request.newContext({ baseURL });
  const user = await playwright.request.newContext({ baseURL });
  try {
    await signInOverHttp(admin, 'admin');
    const key = await createKeyOverHttp(admin, {
      name: `Scope ${Date.now()} ${Math.random()}`,
      permissions: ['customers:read'],
    });
    const bad = await admin.get(`/crm/api-keys/${key.id}/usage?window=1y`);
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.fields).toHaveProperty('window');

    await signInOverHttp(globex, 'globexAdmin');
    expect((await globex.get(`/crm/api-keys/${key.id}/usage`)).status()).toBe(404);

    await signInOverHttp(user, 'user');
    expect((await user.get(`/crm/api-keys/${key.id}/usage`)).status()).toBe(403);

    const reader = await createKeyOverHttp(admin, {
      name: `Reader ${Date.now()} ${Math.random()}`,
      permissions: ['api_keys:read'],
    });
    const res = await admin.get(`/crm/api-keys/${key.id}/usage?window=7d`, {
      headers: { Authorization: `Bearer ${reader.secret}` },
    });
    expect(res.status()).toBe(200);
    expect((await res.json()).key_id).toBe(key.id);
  } finally {
    await Promise.all([admin.dispose(), globex.dispose(), user.dispose()]);
  }
});

test('creating a key over HTTP leaves exactly one audit event with the actor and the fields', async ({
  request,
}) => {
  await signInOverHttp(request, 'admin');
  const name = `Audited ${Date.now()} ${Math.random()}`;
  const key = await createKeyOverHttp(request, { name, permissions: ['leads:read'] });
  const res = await request.get(`/admin/audit-log/export?target=${key.id}`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('text/csv');
  const csv = await res.text();
  const lines = csv.trimEnd().split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(',admin@acme.example,key.created,api_key,');
  expect(lines[1]).toContain(name);
  expect(lines[1]).toContain('leads:read');
  expect(csv).not.toContain(key.secret);
});

test('the audit export is for admins only and refuses bad filters', async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const user = await playwright.request.newContext({ baseURL });
  const admin = await playwright.request.newContext({ baseURL });
  try {
    expect((await anonymous.get('/admin/audit-log/export')).status()).toBe(401);
    await signInOverHttp(user, 'user');
    expect((await user.get('/admin/audit-log/export')).status()).toBe(403);
    await signInOverHttp(admin, 'admin');
    const bad = await admin.get('/admin/audit-log/export?from=2026-13-01');
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toContain('from');
  } finally {
    await Promise.all([anonymous.dispose(), user.dispose(), admin.dispose()]);
  }
});
