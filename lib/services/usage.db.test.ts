import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { rowsOf } from '@/db/rows';
import { apiKeys, keyAccessLog, keyUsageHourly } from '@/db/schema';
import { createApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { createApiKey, deleteApiKey } from './api-keys';
import { getKeyAccessLog, getKeyUsage, getUsageDashboard } from './usage';
import {
  ACCESS_LOG_KEEP_PER_KEY,
  flushUsage,
  pendingUsage,
  recordKeyCheck,
  type KeyCheckEvent,
  type KeyCheckOutcome,
} from './usage-recorder';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;

beforeAll(async () => {
  w = await createWorld();
});

async function newKey(actor = w.adminA.actor, tenant = w.orgA.id) {
  const { key } = await createApiKey(
    actor,
    createApiKeySchema.parse({
      name: `Usage ${Math.random()}`,
      permissions: ['customers:read'],
      tenants: [tenant],
    }),
  );
  return key;
}

function check(keyId: string, outcome: KeyCheckOutcome, at: Date, extra: Partial<KeyCheckEvent> = {}) {
  recordKeyCheck({
    keyId,
    organisationId: w.orgA.id,
    outcome,
    status: outcome === 'success' ? 200 : outcome === 'denied' ? 403 : 429,
    method: 'GET',
    path: '/crm/me',
    ip: '203.0.113.7',
    userAgent: 'vitest',
    latencyMs: 3.4,
    at,
    ...extra,
  });
}

async function hourlyRows(keyId: string) {
  return db.select().from(keyUsageHourly).where(eq(keyUsageHourly.keyId, keyId)).orderBy(keyUsageHourly.hour);
}

const HOUR = 3600_000;

describe('usage accumulator and flush on a real database', () => {
  it('counts N checks as exactly N after one flush, split by outcome and hour, with no write before it', async () => {
    await flushUsage();
    const key = await newKey();
    const thisHour = new Date(Math.floor(Date.now() / HOUR) * HOUR);
    const lastHour = new Date(thisHour.getTime() - HOUR);
    const plan: [KeyCheckOutcome, Date][] = [];
    for (let i = 0; i < 23; i++) plan.push(['success', new Date(thisHour.getTime() + i * 1000)]);
    for (let i = 0; i < 5; i++) plan.push(['denied', new Date(thisHour.getTime() + 60_000 + i)]);
    for (let i = 0; i < 2; i++) plan.push(['rate_limited', new Date(thisHour.getTime() + 120_000 + i)]);
    for (let i = 0; i < 7; i++) plan.push(['success', new Date(lastHour.getTime() + i)]);
    plan.push(['denied', new Date(lastHour.getTime() + 10)]);
    for (const [outcome, at] of plan) check(key.id, outcome, at);

    // Nothing reaches the database until the flush.
    expect(await hourlyRows(key.id)).toEqual([]);
    expect(pendingUsage().requests).toBe(plan.length);

    const result = await flushUsage();
    expect(result.requests).toBe(plan.length);
    expect(pendingUsage()).toEqual({ requests: 0, logEntries: 0 });

    const rows = await hourlyRows(key.id);
    expect(rows.map((r) => [r.hour.toISOString(), r.success, r.denied, r.rateLimited])).toEqual([
      [lastHour.toISOString(), 7, 1, 0],
      [thisHour.toISOString(), 23, 5, 2],
    ]);
    expect(rows.every((r) => r.organisationId === w.orgA.id)).toBe(true);

    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    // The last *accepted* request: refused ones (denied, rate limited) never move last_used_at.
    expect(row.lastUsedAt?.toISOString()).toBe(new Date(thisHour.getTime() + 22_000).toISOString());

    const log = await db.select().from(keyAccessLog).where(eq(keyAccessLog.keyId, key.id));
    expect(log).toHaveLength(plan.length);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/crm/me', ip: '203.0.113.7', userAgent: 'vitest' });

    // A second flush adds to the same hourly rows instead of replacing them.
    check(key.id, 'success', new Date(thisHour.getTime() + 5));
    check(key.id, 'denied', new Date(thisHour.getTime() + 6));
    await flushUsage();
    const again = await hourlyRows(key.id);
    expect(again.at(-1)).toMatchObject({ success: 24, denied: 6, rateLimited: 2 });
    // last_used_at never moves back for an older request that lands later.
    const [after] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(after.lastUsedAt?.toISOString()).toBe(row.lastUsedAt?.toISOString());
  });

  it('loses nothing counted while a flush is running', async () => {
    const key = await newKey();
    const now = new Date();
    for (let i = 0; i < 50; i++) check(key.id, 'success', now);
    const first = flushUsage();
    for (let i = 0; i < 30; i++) check(key.id, 'denied', now);
    await first;
    await flushUsage();
    const rows = await hourlyRows(key.id);
    expect(rows.reduce((n, r) => n + r.success, 0)).toBe(50);
    expect(rows.reduce((n, r) => n + r.denied, 0)).toBe(30);
  });

  it('skips keys deleted before the flush without failing the batch for the others', async () => {
    const gone = await newKey();
    const kept = await newKey();
    check(gone.id, 'success', new Date());
    check(kept.id, 'success', new Date());
    await deleteApiKey(w.adminA.actor, gone.id);
    await flushUsage();
    expect(await hourlyRows(gone.id)).toEqual([]);
    expect((await hourlyRows(kept.id)).map((r) => r.success)).toEqual([1]);
  });

  it('keeps the access log bounded: the newest entries per key, nothing older than 30 days', async () => {
    const key = await newKey();
    const other = await newKey();
    const base = Date.now() - 60_000;
    const total = ACCESS_LOG_KEEP_PER_KEY + 25;
    for (let i = 0; i < total; i++) check(key.id, 'success', new Date(base + i), { path: `/crm/r/${i}` });
    check(other.id, 'success', new Date(base));
    await flushUsage({ prune: false });
    // One batch writes at most the newest ACCESS_LOG_KEEP_PER_KEY entries of a key: the older ones
    // would only be pruned again (a hot key sent thousands a flush).
    expect(await countLog(key.id)).toBe(ACCESS_LOG_KEEP_PER_KEY);
    expect(await oldestPath(key.id)).toBe('/crm/r/25');
    // A second batch: above the bound until the next pruning.
    for (let i = total; i < total + 25; i++) {
      check(key.id, 'success', new Date(base + i), { path: `/crm/r/${i}` });
    }
    await flushUsage({ prune: false });
    expect(await countLog(key.id)).toBe(ACCESS_LOG_KEEP_PER_KEY + 25);
    // An old entry, as if written 40 days ago.
    await db.insert(keyAccessLog).values({
      keyId: other.id,
      at: new Date(Date.now() - 40 * 86400_000),
      method: 'GET',
      path: '/crm/old',
      status: 200,
      latencyMs: 1,
    });
    const result = await flushUsage({ prune: true });
    expect(result.pruned).toBeGreaterThanOrEqual(26);
    expect(await countLog(key.id)).toBe(ACCESS_LOG_KEEP_PER_KEY);
    expect(await countLog(other.id)).toBe(1);
    // The newest survive, and the counters, exact, are untouched by either bound.
    const page = await getKeyAccessLog(w.adminA.actor, key.id, 1, 10);
    expect(page.entries[0].path).toBe(`/crm/r/${total + 24}`);
    expect(page.total).toBe(ACCESS_LOG_KEEP_PER_KEY);
    expect(await oldestPath(key.id)).toBe('/crm/r/50');
    expect((await hourlyRows(key.id)).reduce((n, r) => n + r.success, 0)).toBe(total + 25);
  });

  it('reports a window per hour or per day, the same totals as the rows, within the caller scope', async () => {
    const key = await newKey();
    const now = new Date();
    const twoDaysAgo = new Date(now.getTime() - 2 * 86400_000);
    for (let i = 0; i < 4; i++) check(key.id, 'success', now);
    check(key.id, 'denied', now);
    for (let i = 0; i < 3; i++) check(key.id, 'success', twoDaysAgo);
    check(key.id, 'rate_limited', twoDaysAgo);
    await flushUsage();

    const day = await getKeyUsage(w.adminA.actor, key.id, '24h', now);
    expect(day.bucket).toBe('hour');
    expect(day.series).toHaveLength(24);
    expect(day.totals).toEqual({ success: 4, denied: 1, rateLimited: 0, total: 5 });
    expect(day.series.at(-1)).toMatchObject({ success: 4, denied: 1, total: 5 });

    const week = await getKeyUsage(w.adminA.actor, key.id, '7d', now);
    expect(week.series).toHaveLength(7);
    expect(week.totals).toEqual({ success: 7, denied: 1, rateLimited: 1, total: 9 });
    expect(week.series.at(-3)).toMatchObject({ success: 3, rateLimited: 1, total: 4 });

    const month = await getKeyUsage(w.superadmin.actor, key.id, '30d', now);
    expect(month.series).toHaveLength(30);
    expect(month.totals.total).toBe(9);

    await expect(getKeyUsage(w.adminB.actor, key.id, '24h')).rejects.toMatchObject({ code: 'not_found' });
    await expect(getKeyUsage(w.userA.actor, key.id, '24h')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('builds the dashboard from the organisation keys only', async () => {
    const busy = await newKey();
    const quiet = await newKey();
    const foreign = await newKey(w.adminB.actor, w.orgB.id);
    const now = new Date();
    for (let i = 0; i < 40; i++) check(busy.id, 'success', now);
    for (let i = 0; i < 2; i++) check(quiet.id, 'denied', now);
    for (let i = 0; i < 1000; i++) check(foreign.id, 'success', now);
    await flushUsage();
    const dashboard = await getUsageDashboard(w.adminA.actor, now);
    const ids = dashboard.topKeys.map((k) => k.id);
    expect(ids).toContain(busy.id);
    expect(ids).not.toContain(foreign.id);
    expect(ids.indexOf(busy.id)).toBeLessThan(ids.indexOf(quiet.id));
    const [{ total }] = rowsOf<{ total: number }>(
      await db.execute(
        sql`select coalesce(sum(success + denied + rate_limited), 0)::int as total from key_usage_hourly where organisation_id = ${w.orgA.id}`,
      ),
    );
    expect(dashboard.requestsPerDay.totals.total).toBe(Number(total));
    expect(dashboard.requestsPerDay.series).toHaveLength(30);
  });
});

describe('the dashboard shows only keys the admin reaches (rule 2)', () => {
  it("leaves out a key of the admin's organisation that also reaches another tenant", async () => {
    const mine = await newKey();
    const { key: wider } = await createApiKey(
      w.superadmin.actor,
      createApiKeySchema.parse({
        name: `Cross-tenant ${Math.random()}`,
        permissions: ['customers:read'],
        tenants: [w.orgA.id, w.orgB.id],
        organisation_id: w.orgA.id,
      }),
    );
    const now = new Date();
    for (let i = 0; i < 600; i++) check(mine.id, 'success', now);
    for (let i = 0; i < 500; i++) check(wider.id, 'success', now);
    await flushUsage();
    const admin = (await getUsageDashboard(w.adminA.actor, now)).topKeys.map((k) => k.id);
    expect(admin).toContain(mine.id);
    expect(admin).not.toContain(wider.id);
    const superadmin = (await getUsageDashboard(w.superadmin.actor, now)).topKeys.map((k) => k.id);
    expect(superadmin).toContain(wider.id);
  });
});

async function oldestPath(keyId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ path: keyAccessLog.path })
    .from(keyAccessLog)
    .where(eq(keyAccessLog.keyId, keyId))
    .orderBy(keyAccessLog.at)
    .limit(1);
  return row?.path;
}

async function countLog(keyId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(keyAccessLog)
    .where(eq(keyAccessLog.keyId, keyId));
  return Number(row.n);
}

describe('last_used_at', () => {
  it('moves only on a successful request, never on a refused one', async () => {
    await flushUsage();
    const key = await newKey();
    const lastUsed = async () =>
      (await db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, key.id)))[0].at;
    const t0 = new Date(Date.now() - 60_000);
    check(key.id, 'denied', t0);
    check(key.id, 'rate_limited', new Date(t0.getTime() + 1000));
    await flushUsage();
    expect(await lastUsed()).toBeNull();
    check(key.id, 'success', new Date(t0.getTime() + 2000));
    check(key.id, 'denied', new Date(t0.getTime() + 3000));
    await flushUsage();
    expect((await lastUsed())?.getTime()).toBe(t0.getTime() + 2000);
  });
});
