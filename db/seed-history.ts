import { eq } from 'drizzle-orm';
import type { Executor } from './index';
import { apiKeys, auditEvents, keyAccessLog, keyUsageHourly } from './schema';
import type { NewAuditEvent } from './schema';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A small deterministic random source: the demo looks the same on every first start. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export type DemoKey = {
  id: string;
  name: string;
  visibleId: string;
  organisationId: string;
  /** Requests on a busy weekday hour; 0 for a key nobody uses. */
  load: number;
  /** 8–18 UTC on weekdays (a business integration), or around the clock (a feed). */
  pattern: 'office' | 'steady';
  /** Share of requests refused (401/403) and rate-limited (429). */
  denied: number;
  rateLimited: number;
  path: string;
  userAgent: string;
};

const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * 30 days of believable use for the demo keys: hourly counters (successes, some 401/403/429), the
 * newest requests in each key's access log, and last-used times that agree with them. Keys with
 * `load` 0 stay unused, so the dashboard's "unused" card has something to show.
 */
export async function seedDemoUsage(tx: Executor, keys: DemoKey[], now = Date.now()) {
  const next = random(20261129);
  const thisHour = Math.floor(now / HOUR) * HOUR;
  for (const key of keys) {
    if (key.load === 0) continue;
    const rows: (typeof keyUsageHourly.$inferInsert)[] = [];
    let last = 0;
    for (let hour = thisHour - 30 * DAY; hour < thisHour; hour += HOUR) {
      const at = new Date(hour);
      const weekday = at.getUTCDay() % 6 !== 0;
      const office = at.getUTCHours() >= 8 && at.getUTCHours() < 18;
      const shape = key.pattern === 'steady' ? 0.6 + 0.4 * Number(office) : weekday && office ? 1 : 0.03;
      const total = Math.round(key.load * shape * (0.6 + 0.8 * next()));
      if (total === 0) continue;
      const denied = Math.round(total * key.denied * next() * 2);
      const rateLimited = next() < 0.05 ? Math.round(total * key.rateLimited * 10 * next()) : 0;
      rows.push({
        keyId: key.id,
        organisationId: key.organisationId,
        hour: at,
        success: Math.max(0, total - denied - rateLimited),
        denied,
        rateLimited,
      });
      last = hour;
    }
    for (let i = 0; i < rows.length; i += 500) await tx.insert(keyUsageHourly).values(rows.slice(i, i + 500));
    const lastUsedAt = new Date(last + Math.floor(next() * HOUR));
    await tx.update(apiKeys).set({ lastUsedAt }).where(eq(apiKeys.id, key.id));
    const log = Array.from({ length: 25 }, (_, i) => {
      const roll = next();
      const status = roll < key.denied ? 403 : roll < key.denied + key.rateLimited ? 429 : 200;
      return {
        keyId: key.id,
        at: new Date(lastUsedAt.getTime() - i * (4 + Math.floor(next() * 40)) * 60_000),
        method: 'GET',
        path: key.path,
        status,
        ip: '203.0.113.24',
        userAgent: key.userAgent,
        latencyMs: 8 + Math.floor(next() * 60),
      };
    });
    await tx.insert(keyAccessLog).values(log);
  }
}

type Actor = { id: string; email: string };

/** The demo's own history in the audit log: who created, edited, regenerated and revoked what, when. */
export async function seedDemoAudit(
  tx: Executor,
  events: {
    daysAgo: number;
    actor: Actor;
    action: string;
    organisationId: string;
    key: { id: string; name: string; visibleId: string };
    changes?: NewAuditEvent['changes'];
  }[],
  now = Date.now(),
) {
  await tx.insert(auditEvents).values(
    [...events]
      .sort((a, b) => b.daysAgo - a.daysAgo)
      .map((e) => ({
        occurredAt: new Date(now - e.daysAgo * DAY),
        organisationId: e.organisationId,
        actorType: 'user' as const,
        actorId: e.actor.id,
        actorLabel: e.actor.email,
        action: e.action,
        targetType: 'api_key',
        targetId: e.key.id,
        targetLabel: `${e.key.name} (${e.key.visibleId})`,
        // An IPv4 client seen through an IPv6 socket, as Node reports it.
        ip: '::ffff:198.51.100.7',
        userAgent: BROWSER,
        changes: e.changes ?? null,
      })),
  );
}
