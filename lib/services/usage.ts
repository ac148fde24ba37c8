import 'server-only';
import { runShutdownHooks } from '@/lib/shutdown';
import { db, type Executor } from '@/db';
import {
  addHourlyUsage,
  findTopKeys,
  insertAccessLog,
  listAccessLog,
  lockExistingKeys,
  pruneAccessLog,
  pruneHourlyUsage,
  sumUsage,
  touchLastUsed,
  type HourlyIncrement,
} from '@/db/queries/usage';
import type { NewKeyAccessLogEntry } from '@/db/schema';
import { visibleIdentifier } from '@/lib/keys/format';
import type { UsageWindow } from '@/lib/validation/usage';
import { assertCanManageKeys, organisationScope } from '@/lib/access';
import { getApiKey, listApiKeys } from './api-keys';
import type { Actor } from '@/lib/actor';

/**
 * Usage counting. Every key check on /crm/* reports here (lib/api/with-key.ts). Nothing is written
 * per request: counts accumulate in memory, keyed by key, UTC hour and outcome, with a bounded buffer
 * of access-log entries, and a flusher writes them in one transaction every few seconds
 * (USAGE_FLUSH_MS) and once more when the process stops.
 */
export type KeyCheckOutcome = 'success' | 'denied' | 'rate_limited';

export type KeyCheckEvent = {
  keyId: string;
  organisationId: string | null;
  outcome: KeyCheckOutcome;
  status: number;
  method: string;
  path: string;
  ip: string | null;
  userAgent: string | null;
  latencyMs: number;
  at: Date;
  /** Made with a rotation's previous secret (during its overlap). */
  previousSecret?: boolean;
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The access log keeps at most this many entries per key… */
export const ACCESS_LOG_KEEP_PER_KEY = 1000;
/** …and nothing older than this. */
export const ACCESS_LOG_MAX_AGE_DAYS = 30;
/** Hourly counters are kept this long (the charts need 30 days). */
const HOURLY_MAX_AGE_DAYS = 400;
/**
 * Access-log entries buffered between two flushes. Beyond it the oldest are dropped: the log is a
 * sample of recent requests, while the counters stay exact whatever the load.
 */
const MAX_BUFFERED_LOG = 10_000;
const PRUNE_EVERY_MS = 60_000;

type Bucket = HourlyIncrement;

type UsageState = {
  buckets: Map<string, Bucket>;
  lastUsed: Map<string, Date>;
  lastUsedPrevious: Map<string, Date>;
  log: NewKeyAccessLogEntry[];
  droppedLog: number;
  /** Keys written to the access log since the last pruning. */
  pruneKeys: Set<string>;
  lastPruneAt: number;
  flushing: Promise<FlushResult> | null;
  timer: NodeJS.Timeout | null;
  signalsHooked: boolean;
  stopping: Promise<void> | null;
};

// Route handlers and instrumentation are bundled separately but share the process: one state on
// globalThis, so every handler counts into the accumulator the one flusher drains.
const globalKey = Symbol.for('crm.usage');
type G = typeof globalThis & { [globalKey]?: UsageState };

function state(): UsageState {
  const g = globalThis as G;
  return (g[globalKey] ??= {
    buckets: new Map(),
    lastUsed: new Map(),
    lastUsedPrevious: new Map(),
    log: [],
    droppedLog: 0,
    pruneKeys: new Set(),
    lastPruneAt: Date.now(),
    flushing: null,
    timer: null,
    signalsHooked: false,
    stopping: null,
  });
}

function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

function addToBucket(buckets: Map<string, Bucket>, b: Bucket): void {
  const id = `${b.keyId}|${b.hour.getTime()}`;
  const existing = buckets.get(id);
  if (existing) {
    existing.success += b.success;
    existing.denied += b.denied;
    existing.rateLimited += b.rateLimited;
    existing.previousSecret += b.previousSecret;
  } else {
    buckets.set(id, { ...b });
  }
}

function laterOf(map: Map<string, Date>, keyId: string, at: Date): void {
  const current = map.get(keyId);
  if (!current || current < at) map.set(keyId, at);
}

/** Count one key check. Synchronous and allocation-light: it runs on every /crm request. */
export function recordKeyCheck(event: KeyCheckEvent): void {
  const s = state();
  addToBucket(s.buckets, {
    keyId: event.keyId,
    hour: hourOf(event.at),
    success: event.outcome === 'success' ? 1 : 0,
    denied: event.outcome === 'denied' ? 1 : 0,
    rateLimited: event.outcome === 'rate_limited' ? 1 : 0,
    previousSecret: event.previousSecret ? 1 : 0,
  });
  laterOf(s.lastUsed, event.keyId, event.at);
  if (event.previousSecret) laterOf(s.lastUsedPrevious, event.keyId, event.at);
  if (s.log.length >= MAX_BUFFERED_LOG) {
    const drop = s.log.length - MAX_BUFFERED_LOG + 1;
    s.log.splice(0, drop);
    s.droppedLog += drop;
  }
  s.log.push({
    keyId: event.keyId,
    at: event.at,
    method: event.method.slice(0, 10),
    // The path only: query strings may carry data that has no place in a log.
    path: event.path.slice(0, 500),
    status: event.status,
    ip: event.ip?.slice(0, 100) ?? null,
    userAgent: event.userAgent?.slice(0, 500) ?? null,
    latencyMs: Math.max(0, Math.round(event.latencyMs)),
  });
}

/** Counts waiting in memory (for tests and the shutdown log line). */
export function pendingUsage(): { requests: number; logEntries: number } {
  const s = state();
  let requests = 0;
  for (const b of s.buckets.values()) requests += b.success + b.denied + b.rateLimited;
  return { requests, logEntries: s.log.length };
}

export type FlushResult = { requests: number; buckets: number; logEntries: number; pruned: number };

/**
 * Write what has accumulated, in one transaction: the hourly upsert, last_used_at and the access
 * log. The buffers are swapped out first so requests keep counting meanwhile; if the write fails,
 * the counts go back into memory and the next flush retries them, so none is lost.
 * Flushes never overlap; a call during a flush waits for it and then flushes again.
 */
export async function flushUsage(options: { prune?: boolean } = {}): Promise<FlushResult> {
  const s = state();
  while (s.flushing) await s.flushing.catch(() => {});
  const run = writeBatch(s, options);
  s.flushing = run;
  try {
    return await run;
  } finally {
    s.flushing = null;
  }
}

async function writeBatch(s: UsageState, options: { prune?: boolean }): Promise<FlushResult> {
  const buckets = s.buckets;
  const lastUsed = s.lastUsed;
  const lastUsedPrevious = s.lastUsedPrevious;
  const log = s.log;
  const shouldPrune = options.prune ?? Date.now() - s.lastPruneAt >= PRUNE_EVERY_MS;
  const empty = buckets.size === 0 && log.length === 0;
  if (empty && !shouldPrune) return { requests: 0, buckets: 0, logEntries: 0, pruned: 0 };
  s.buckets = new Map();
  s.lastUsed = new Map();
  s.lastUsedPrevious = new Map();
  s.log = [];

  const increments = [...buckets.values()];
  const requests = increments.reduce((n, b) => n + b.success + b.denied + b.rateLimited, 0);
  const pruneKeys = new Set(s.pruneKeys);
  for (const entry of log) pruneKeys.add(entry.keyId);
  try {
    const pruned = await db.transaction(async (tx) => {
      const keyIds = [...new Set([...increments.map((b) => b.keyId), ...log.map((e) => e.keyId)])].sort();
      // Keys deleted since their requests were counted are skipped: their usage went with them.
      const organisations = await lockExistingKeys({ keyIds, db: tx });
      await addHourlyUsage({ increments, organisations, db: tx });
      await touchLastUsedOf(tx, lastUsed, organisations);
      await touchLastUsedOf(tx, lastUsedPrevious, organisations, 'previous_key_last_used_at');
      await insertAccessLog({ entries: log.filter((e) => organisations.has(e.keyId)), db: tx });
      if (!shouldPrune) return 0;
      const now = Date.now();
      const removed = await pruneAccessLog({
        keyIds: [...pruneKeys].sort(),
        keep: ACCESS_LOG_KEEP_PER_KEY,
        before: new Date(now - ACCESS_LOG_MAX_AGE_DAYS * DAY_MS),
        db: tx,
      });
      await pruneHourlyUsage({ before: new Date(now - HOURLY_MAX_AGE_DAYS * DAY_MS), db: tx });
      return removed;
    });
    if (shouldPrune) {
      s.pruneKeys.clear();
      s.lastPruneAt = Date.now();
    } else {
      for (const id of pruneKeys) s.pruneKeys.add(id);
    }
    return { requests, buckets: increments.length, logEntries: log.length, pruned };
  } catch (error) {
    // Put everything back (merged with what arrived meanwhile) for the next attempt.
    for (const b of increments) addToBucket(s.buckets, b);
    for (const [keyId, at] of lastUsed) laterOf(s.lastUsed, keyId, at);
    for (const [keyId, at] of lastUsedPrevious) laterOf(s.lastUsedPrevious, keyId, at);
    const merged = [...log, ...s.log];
    const overflow = Math.max(0, merged.length - MAX_BUFFERED_LOG);
    s.droppedLog += overflow;
    s.log = merged.slice(overflow);
    throw error;
  }
}

async function touchLastUsedOf(
  tx: Executor,
  lastUsed: Map<string, Date>,
  organisations: Map<string, string>,
  column: 'last_used_at' | 'previous_key_last_used_at' = 'last_used_at',
) {
  const existing = new Map([...lastUsed].filter(([id]) => organisations.has(id)));
  await touchLastUsed({ lastUsed: existing, column, db: tx });
}

/**
 * Start the periodic flusher once per process (from instrumentation.ts, after the database is
 * ready), and flush a last time when the process is asked to stop.
 */
export function startUsageFlusher(intervalMs: number): void {
  const s = state();
  if (s.timer) return;
  s.timer = setInterval(() => {
    flushUsage().catch((error) => console.error('usage flush failed, will retry:', error));
  }, intervalMs);
  // The timer alone must not keep a process alive that has nothing else to do.
  s.timer.unref();
  hookSignals(s);
}

/** Stop the timer and write what is left; used on shutdown. Safe to call more than once. */
export function stopUsageFlusher(): Promise<void> {
  const s = state();
  if (s.timer) clearInterval(s.timer);
  s.timer = null;
  return (s.stopping ??= (async () => {
    // Retry a few times: a transient database error at shutdown must not cost the last counts.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const result = await flushUsage({ prune: false });
        if (result.requests) console.log(`usage: wrote ${result.requests} request counts at shutdown`);
        return;
      } catch (error) {
        console.error(`usage flush at shutdown failed (attempt ${attempt + 1}):`, error);
      }
    }
  })());
}

const SHUTDOWN_FLUSH_TIMEOUT_MS = 10_000;

/**
 * `next start` handles SIGTERM and SIGINT itself (node_modules/next/dist/server/lib/start-server.js):
 * it closes the HTTP server, lets in-flight requests finish, then calls process.exit(143 / 130)
 * without waiting for anything of ours. So on a signal we hold that exit until the last counts are
 * written, which also catches the requests that finished while the server was closing. With
 * NEXT_MANUAL_SIG_HANDLE set, Next leaves signals to the app, and we exit ourselves after the flush.
 */
function hookSignals(s: UsageState): void {
  if (s.signalsHooked) return;
  s.signalsHooked = true;
  const onSignal = (signal: NodeJS.Signals) => {
    const realExit = process.exit.bind(process);
    const finish = async (code: number) => {
      await Promise.race([
        Promise.all([stopUsageFlusher(), runShutdownHooks()]).then(closeDatabase),
        new Promise((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_TIMEOUT_MS).unref()),
      ]);
      realExit(code);
    };
    if (process.env.NEXT_MANUAL_SIG_HANDLE) {
      void finish(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    let exiting = false;
    process.exit = ((code?: number | string | null) => {
      if (exiting) return undefined as never;
      exiting = true;
      void finish(typeof code === 'number' ? code : Number(code ?? 0));
      return undefined as never;
    }) as typeof process.exit;
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** Close the pool (PostgreSQL) or the embedded database (PGlite, which must be closed to be durable). */
async function closeDatabase(): Promise<void> {
  const { getDatabase } = await import('@/db');
  await getDatabase()
    .close()
    .catch((error) => console.error('closing the database failed:', error));
}

// ---------------------------------------------------------------------------------------------
// Reading usage

export type UsagePoint = { start: Date; success: number; denied: number; rateLimited: number; total: number };
export type UsageTotals = { success: number; denied: number; rateLimited: number; total: number };
export type KeyUsage = {
  keyId: string;
  lastUsedAt: Date | null;
  window: UsageWindow;
  bucket: 'hour' | 'day';
  from: Date;
  to: Date;
  totals: UsageTotals;
  series: UsagePoint[];
};

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
    findTopKeys({ scope, from, limit: 10 }),
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
