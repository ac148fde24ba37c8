import 'server-only';
import { findTopKeys, listAccessLog, sumUsage } from '@/db/queries/usage';
import { visibleIdentifier } from '@/lib/keys/format';
import type { KeyUsage, UsagePoint, UsageTotals, UsageWindow } from '@/lib/validation/usage';
import { assertCanManageKeys, keyScope, organisationScope } from '@/lib/access';
import { getApiKey, listApiKeys } from './api-keys';
import type { Actor } from '@/lib/actor';

/**
 * Usage, the read model: a key's requests per hour or day, its access log, the admin dashboard.
 * The counts are written by lib/services/usage-recorder.ts.
 */
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * A window's bounds and bucket size. 24h: the last 24 UTC hours, the current one included, per hour.
 * 7d and 30d: the last 7 or 30 UTC days, today included, per day.
 */
export function windowBounds(window: UsageWindow, now: Date = new Date()) {
  if (window === '24h') {
    const to = new Date(hourOf(now).getTime() + HOUR_MS);
    return { bucket: 'hour' as const, from: new Date(to.getTime() - 24 * HOUR_MS), to, step: HOUR_MS };
  }
  const days = window === '7d' ? 7 : 30;
  const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  return { bucket: 'day' as const, from: new Date(to.getTime() - days * DAY_MS), to, step: DAY_MS };
}

function toSeries(
  rows: { start: Date; success: number; denied: number; rateLimited: number }[],
  from: Date,
  to: Date,
  step: number,
): { series: UsagePoint[]; totals: UsageTotals } {
  const byStart = new Map(rows.map((r) => [r.start.getTime(), r]));
  const series: UsagePoint[] = [];
  const totals: UsageTotals = { success: 0, denied: 0, rateLimited: 0, total: 0 };
  for (let t = from.getTime(); t < to.getTime(); t += step) {
    const r = byStart.get(t);
    const point = {
      start: new Date(t),
      success: r?.success ?? 0,
      denied: r?.denied ?? 0,
      rateLimited: r?.rateLimited ?? 0,
      total: (r?.success ?? 0) + (r?.denied ?? 0) + (r?.rateLimited ?? 0),
    };
    series.push(point);
    totals.success += point.success;
    totals.denied += point.denied;
    totals.rateLimited += point.rateLimited;
    totals.total += point.total;
  }
  return { series, totals };
}

/** A key's requests in a window, per hour or day, for the detail page and GET /crm/api-keys/{id}/usage. */
export async function getKeyUsage(
  actor: Actor,
  keyId: string,
  window: UsageWindow,
  now: Date = new Date(),
): Promise<KeyUsage> {
  // getApiKey checks the caller may see this key (same organisation, or a superadmin).
  const key = await getApiKey(actor, keyId);
  const { bucket, from, to, step } = windowBounds(window, now);
  const rows = await sumUsage({ keyId: key.id, from, bucket });
  return {
    keyId: key.id,
    lastUsedAt: key.lastUsedAt,
    window,
    bucket,
    from,
    to,
    ...toSeries(rows, from, to, step),
  };
}

/** One page of a key's recent requests, newest first. */
export async function getKeyAccessLog(actor: Actor, keyId: string, page: number, limit = 25) {
  const key = await getApiKey(actor, keyId);
  const { rows, total } = await listAccessLog({ keyId: key.id, page, limit });
  return {
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at,
      method: r.method,
      path: r.path,
      status: r.status,
      ip: r.ip,
      userAgent: r.userAgent,
      latencyMs: r.latencyMs,
    })),
    total,
    page,
    limit,
    pages: Math.max(1, Math.ceil(total / limit)),
  };
}

/** The admin dashboard: requests per day, top keys, keys expiring soon and keys unused for 30 days. */
export async function getUsageDashboard(actor: Actor, now: Date = new Date()) {
  assertCanManageKeys(actor, 'read');
  const scope = organisationScope(actor);
  const { from, to, step } = windowBounds('30d', now);
  const [perDay, top, expiring, unused] = await Promise.all([
    sumUsage({ scope, from, bucket: 'day' }),
    findTopKeys({ scope, keys: keyScope(actor), from, limit: 10 }),
    listApiKeys(actor, { status: 'expiring_soon', q: '', sort: 'expires', order: 'asc', page: 1, limit: 10 }),
    listApiKeys(actor, { status: 'unused', q: '', sort: 'last_used', order: 'asc', page: 1, limit: 10 }),
  ]);
  return {
    requestsPerDay: toSeries(perDay, from, to, step),
    topKeys: top.map((t) => ({
      id: t.key.id,
      name: t.key.name,
      kind: t.key.kind,
      visibleId: visibleIdentifier(t.key),
      status: t.key.status,
      lastUsedAt: t.key.lastUsedAt,
      total: t.total,
      success: t.success,
      denied: t.denied,
      rateLimited: t.rateLimited,
    })),
    expiring: { keys: expiring.keys, total: expiring.total },
    unused: { keys: unused.keys, total: unused.total },
  };
}

/** How long the access log is kept (the recorder prunes it): shown on the key's page. */
export { ACCESS_LOG_KEEP_PER_KEY, ACCESS_LOG_MAX_AGE_DAYS } from './usage-recorder';
