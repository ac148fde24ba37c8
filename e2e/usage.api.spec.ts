import { expect, test, type APIRequestContext } from '@playwright/test';
import { createKey, demoWorld, signInOverHttp, uniqueName } from './helpers/api';

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
  baseURL,
}) => {
  const { admin, acmeId } = await demoWorld(baseURL);
  const key = await createKey(admin, { permissions: ['customers:read'], tenants: [acmeId] });
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

  const day = await usageOnceFlushed(admin, key.id, SUCCESSES + DENIALS);
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
    const res = await admin.get(`/crm/api-keys/${key.id}/usage?window=${window}`);
    const usage = (await res.json()) as Usage;
    expect(usage.bucket).toBe('day');
    expect(usage.series).toHaveLength(points);
    expect(usage.totals).toEqual(day.totals);
  }
});

test('the usage endpoint checks the window, the permission and the organisation', async ({ baseURL }) => {
  const { admin, globexAdmin, acmeId } = await demoWorld(baseURL);
  const user = await signInOverHttp(baseURL!, 'user');
  try {
    const key = await createKey(admin, { permissions: ['customers:read'], tenants: [acmeId] });
    const bad = await admin.get(`/crm/api-keys/${key.id}/usage?window=1y`);
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.fields).toHaveProperty('window');

    expect((await globexAdmin.get(`/crm/api-keys/${key.id}/usage`)).status()).toBe(404);
    expect((await user.get(`/crm/api-keys/${key.id}/usage`)).status()).toBe(403);

    // A key sees another key only if it holds every permission that key holds (docs/access.md).
    const reader = await createKey(admin, {
      permissions: ['api_keys:read', 'customers:read'],
      tenants: [acmeId],
    });
    const res = await admin.get(`/crm/api-keys/${key.id}/usage?window=7d`, {
      headers: { Authorization: `Bearer ${reader.secret}` },
    });
    expect(res.status()).toBe(200);
    expect((await res.json()).key_id).toBe(key.id);
  } finally {
    await user.dispose();
  }
});

/** RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

/** The audit events of one target, oldest first, read back through the CSV export, by column name. */
async function auditOf(session: APIRequestContext, targetId: string) {
  const res = await session.get(`/admin/audit-log/export?target=${targetId}`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('text/csv');
  const [header, ...rows] = parseCsv(await res.text());
  return rows.reverse().map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

test('every key action over the HTTP API leaves exactly one audit event with its actor and diff', async ({
  baseURL,
}) => {
  const { admin, acmeId } = await demoWorld(baseURL);
  const name = uniqueName('Audited');
  const created = await createKey(admin, { name, permissions: ['leads:read'], tenants: [acmeId] });
  const id = created.id;
  // A script with its own key makes the next change: the actor is then that key.
  const manager = await createKey(admin, {
    permissions: ['api_keys:read', 'api_keys:write', 'leads:read', 'leads:write'],
    tenants: [acmeId],
  });
  const scripted = await admin.patch(`/crm/api-keys/${id}`, {
    data: { permissions: ['leads:read', 'leads:write'] },
    headers: { 'X-API-KEY': manager.secret },
  });
  expect(scripted.status(), await scripted.text()).toBe(200);
  expect((await admin.patch(`/crm/api-keys/${id}`, { data: { description: 'edited' } })).status()).toBe(200);
  const regenerated = await admin.post(`/crm/api-keys/${id}/regenerate`);
  expect(regenerated.status()).toBe(201);
  const newSecret = (await regenerated.json()).api_key as string;
  expect((await admin.post(`/crm/api-keys/${id}/disable`)).status()).toBe(200);
  expect((await admin.post(`/crm/api-keys/${id}/enable`)).status()).toBe(200);
  expect((await admin.post(`/crm/api-keys/${id}/revoke`)).status()).toBe(200);
  expect((await admin.delete(`/crm/api-keys/${id}`)).status()).toBe(204);

  const events = await auditOf(admin, id);
  expect(events.map((e) => e.action)).toEqual([
    'key.created',
    'key.updated',
    'key.updated',
    'key.regenerated',
    'key.disabled',
    'key.enabled',
    'key.revoked',
    'key.deleted',
  ]);
  const managerVisibleId = manager.body.masked_key as string;
  expect(events.map((e) => e.actor)).toEqual([
    'admin@acme.example',
    managerVisibleId,
    ...Array(6).fill('admin@acme.example'),
  ]);
  expect(events.map((e) => e.actor_type)).toEqual(['user', 'key', ...Array(6).fill('user')]);
  expect(events.every((e) => e.target_id === id && e.organisation_id === acmeId)).toBe(true);
  const diff = (i: number) => JSON.parse(events[i].changes);
  expect(diff(0)).toMatchObject({
    name: { before: null, after: name },
    permissions: { after: ['leads:read'] },
  });
  expect(diff(1)).toEqual({ permissions: { before: ['leads:read'], after: ['leads:read', 'leads:write'] } });
  expect(diff(2)).toEqual({ description: { before: '', after: 'edited' } });
  expect(diff(4)).toEqual({ status: { before: 'active', after: 'disabled' } });
  const csv = await (await admin.get(`/admin/audit-log/export?target=${id}`)).text();
  expect(csv).not.toContain(created.secret);
  expect(csv).not.toContain(newSecret);
});

test('the audit export is for admins only and refuses bad filters', async ({ playwright, baseURL }) => {
  const { admin } = await demoWorld(baseURL);
  const anonymous = await playwright.request.newContext({ baseURL });
  const user = await signInOverHttp(baseURL!, 'user');
  try {
    expect((await anonymous.get('/admin/audit-log/export')).status()).toBe(401);
    expect((await user.get('/admin/audit-log/export')).status()).toBe(403);
    const bad = await admin.get('/admin/audit-log/export?from=2026-13-01');
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toContain('from');
  } finally {
    await Promise.all([anonymous.dispose(), user.dispose()]);
  }
});
