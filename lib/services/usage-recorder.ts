import 'server-only';
import { randomUUID } from 'node:crypto';
import { db, type Executor } from '@/db';
import {
  addHourlyUsage,
  claimUsageBatch,
  insertAccessLog,
  lockExistingKeys,
  pruneAccessLog,
  pruneHourlyUsage,
  pruneUsageBatches,
  touchLastUsed,
  type HourlyIncrement,
} from '@/db/queries/usage';
import type { NewKeyAccessLogEntry } from '@/db/schema';
import { logError, logger } from '@/lib/log';
import { readGauge, totalCounter } from '@/lib/metrics';
import { processSingleton } from '@/lib/process-singleton';

/**
 * Usage counting, the write path (the read model is lib/services/usage.ts). Every key check on
 * /crm/* reports here (lib/api/with-key.ts). Nothing is written per request: counts accumulate in
 * memory, keyed by key, UTC hour and outcome, with a bounded buffer of access-log entries, and a
 * flusher writes them in one transaction every few seconds (USAGE_FLUSH_MS) and once more when the
 * process stops (lib/lifecycle.ts). A failed write keeps the counts in memory for the next attempt,
 * so an outage of the database delays them and loses none.
 */
/** `error`: the request failed on our side (5xx): logged, counted in no usage counter. */
export type KeyCheckOutcome = 'success' | 'denied' | 'rate_limited' | 'error';

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
type Batch = {
  id: string;
  increments: Bucket[];
  lastUsed: Map<string, Date>;
  lastUsedPrevious: Map<string, Date>;
  log: NewKeyAccessLogEntry[];
  oldestPendingAt: number;
};

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
  /** A batch whose write failed: written again, with the same id, before anything newer. */
  unconfirmed: Batch | null;
  timer: NodeJS.Timeout | null;
  stopping: Promise<void> | null;
  /** When the last flush succeeded, and how many failed (metrics). */
  lastFlushAt: number;
  /** When the oldest count still in memory was recorded (0: none). */
  oldestPendingAt: number;
  flushFailures: number;
};

// Route handlers and instrumentation are bundled separately but share the process: one state per
// process (lib/process-singleton.ts), so every handler counts into the accumulator the one flusher drains.
function state(): UsageState {
  return processSingleton<UsageState>('usage', () => ({
    buckets: new Map(),
    lastUsed: new Map(),
    lastUsedPrevious: new Map(),
    log: [],
    droppedLog: 0,
    pruneKeys: new Set(),
    lastPruneAt: Date.now(),
    flushing: null,
    unconfirmed: null,
    timer: null,
    stopping: null,
    lastFlushAt: Date.now(),
    oldestPendingAt: 0,
    flushFailures: 0,
  }));
}

/** Count one check into its key's UTC-hour bucket: no Date and no object unless the hour is new. */
function countInBucket(
  buckets: Map<string, Bucket>,
  keyId: string,
  atMs: number,
  outcome: 'success' | 'denied' | 'rate_limited',
  previousSecret: boolean,
): void {
  const hourMs = atMs - (atMs % HOUR_MS);
  const id = `${keyId}|${hourMs}`;
  let bucket = buckets.get(id);
  if (!bucket) {
    bucket = { keyId, hour: new Date(hourMs), success: 0, denied: 0, rateLimited: 0, previousSecret: 0 };
    buckets.set(id, bucket);
  }
  if (outcome === 'success') bucket.success++;
  else if (outcome === 'denied') bucket.denied++;
  else bucket.rateLimited++;
  if (previousSecret) bucket.previousSecret++;
}

function laterOf(map: Map<string, Date>, keyId: string, at: Date): void {
  const current = map.get(keyId);
  if (!current || current < at) map.set(keyId, at);
}

/** Count one key check. Synchronous and allocation-light: it runs on every /crm request. */
export function recordKeyCheck(event: KeyCheckEvent): void {
  const s = state();
  if (!s.oldestPendingAt) s.oldestPendingAt = Date.now();
  if (event.outcome !== 'error') {
    countInBucket(s.buckets, event.keyId, event.at.getTime(), event.outcome, event.previousSecret === true);
  }
  // "Last used" and the "unused for 30 days" filter mean accepted use: a refused request (revoked,
  // disabled, expired, lacking the permission, throttled) is counted and logged but moves nothing.
  if (event.outcome === 'success') laterOf(s.lastUsed, event.keyId, event.at);
  if (event.outcome === 'success' && event.previousSecret) laterOf(s.lastUsedPrevious, event.keyId, event.at);
  if (s.log.length >= MAX_BUFFERED_LOG) {
    // Drop the oldest tenth at once: one splice per request on a full buffer moved 10,000 entries
    // every time, exactly when the process was already behind.
    const drop = s.log.length - MAX_BUFFERED_LOG + Math.ceil(MAX_BUFFERED_LOG / 10);
    s.log.splice(0, drop);
    s.droppedLog += drop;
  }
  s.log.push({
    keyId: event.keyId,
    at: event.at,
    method: event.method.slice(0, 10),
    // The path only: query strings may carry data that has no place in a log.
    path: interned(event.path.slice(0, 500)),
    status: event.status,
    ip: event.ip?.slice(0, 100) ?? null,
    userAgent: event.userAgent ? interned(event.userAgent.slice(0, 500)) : null,
    latencyMs: Math.max(0, Math.round(event.latencyMs)),
  });
}

/**
 * One copy of each path and user agent among the buffered entries. Every request brings its own
 * copy of the same few strings, and a buffered entry lives until the next flush: thousands of
 * identical strings surviving the young generation were garbage-collector work on every request.
 * Bounded: emptied when full.
 */
const internedStrings = new Map<string, string>();
function interned(value: string): string {
  const known = internedStrings.get(value);
  if (known !== undefined) return known;
  if (internedStrings.size >= 1_000) internedStrings.clear();
  internedStrings.set(value, value);
  return value;
}

/** Counts waiting in memory (for tests and the shutdown log line). */
export function pendingUsage(): { requests: number; logEntries: number } {
  const s = state();
  let requests = 0;
  for (const b of s.buckets.values()) requests += b.success + b.denied + b.rateLimited;
  for (const b of s.unconfirmed?.increments ?? []) requests += b.success + b.denied + b.rateLimited;
  return { requests, logEntries: s.log.length + (s.unconfirmed?.log.length ?? 0) };
}

export type FlushResult = { requests: number; buckets: number; logEntries: number; pruned: number };

/**
 * Write what has accumulated, in one transaction: the hourly upsert, last_used_at and the access
 * log. The buffers are swapped out first so requests keep counting meanwhile. A batch that fails is
 * kept, with its id, and written first by the next flush; the id, claimed in the batch's own
 * transaction, makes that retry a no-op if the failed attempt had in fact committed (the answer to
 * COMMIT lost with the connection). So nothing is lost and nothing is counted twice.
 * Flushes never overlap; a call during a flush waits for it and then flushes again.
 */
export async function flushUsage(options: { prune?: boolean } = {}): Promise<FlushResult> {
  const s = state();
  while (s.flushing) await s.flushing.catch(() => {});
  const run = (async () => {
    const retried = s.unconfirmed !== null;
    const first = await writeBatch(s, options);
    if (!retried) return first;
    // The retried batch is in; now what arrived meanwhile.
    const second = await writeBatch(s, { prune: false });
    return {
      requests: first.requests + second.requests,
      buckets: first.buckets + second.buckets,
      logEntries: first.logEntries + second.logEntries,
      pruned: first.pruned,
    };
  })();
  s.flushing = run;
  try {
    return await run;
  } finally {
    s.flushing = null;
  }
}

/**
 * The newest `keep` entries of each key, in their order. The log keeps no more than that per key,
 * so writing older ones only to prune them again was wasted work: a key at 700 requests a second
 * sent 3,500 rows a flush, and building them stalled the event loop (the cache hit's p99).
 */
function newestPerKey(entries: NewKeyAccessLogEntry[], keep: number): NewKeyAccessLogEntry[] {
  const seen = new Map<string, number>();
  const kept: NewKeyAccessLogEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const n = seen.get(entries[i].keyId) ?? 0;
    if (n >= keep) continue;
    seen.set(entries[i].keyId, n + 1);
    kept.push(entries[i]);
  }
  return kept.reverse();
}

function takeBatch(s: UsageState): Batch {
  const batch: Batch = {
    id: randomUUID(),
    increments: [...s.buckets.values()],
    lastUsed: s.lastUsed,
    lastUsedPrevious: s.lastUsedPrevious,
    log: s.log,
    oldestPendingAt: s.oldestPendingAt,
  };
  s.buckets = new Map();
  s.lastUsed = new Map();
  s.lastUsedPrevious = new Map();
  s.log = [];
  s.oldestPendingAt = 0;
  return batch;
}

async function writeBatch(s: UsageState, options: { prune?: boolean }): Promise<FlushResult> {
  const shouldPrune = options.prune ?? Date.now() - s.lastPruneAt >= PRUNE_EVERY_MS;
  const empty = s.buckets.size === 0 && s.log.length === 0;
  if (!s.unconfirmed && empty && !shouldPrune) {
    s.lastFlushAt = Date.now();
    return { requests: 0, buckets: 0, logEntries: 0, pruned: 0 };
  }
  const batch = s.unconfirmed ?? takeBatch(s);
  const { increments, lastUsed, lastUsedPrevious, log } = batch;
  const requests = increments.reduce((n, b) => n + b.success + b.denied + b.rateLimited, 0);
  const pruneKeys = new Set(s.pruneKeys);
  for (const entry of log) pruneKeys.add(entry.keyId);
  try {
    const pruned = await db.transaction(async (tx) => {
      // Written already by an attempt whose answer was lost: nothing more to add.
      if (!(await claimUsageBatch({ id: batch.id, db: tx }))) return 0;
      const keyIds = [...new Set([...increments.map((b) => b.keyId), ...log.map((e) => e.keyId)])].sort();
      // Keys deleted since their requests were counted are skipped: their usage went with them.
      const organisations = await lockExistingKeys({ keyIds, db: tx });
      await addHourlyUsage({ increments, organisations, db: tx });
      await touchLastUsedOf(tx, lastUsed, organisations);
      await touchLastUsedOf(tx, lastUsedPrevious, organisations, 'previous_key_last_used_at');
      const kept = newestPerKey(
        log.filter((e) => organisations.has(e.keyId)),
        ACCESS_LOG_KEEP_PER_KEY,
      );
      await insertAccessLog({ entries: kept, db: tx });
      if (!shouldPrune) return 0;
      const now = Date.now();
      const removed = await pruneAccessLog({
        keyIds: [...pruneKeys].sort(),
        keep: ACCESS_LOG_KEEP_PER_KEY,
        before: new Date(now - ACCESS_LOG_MAX_AGE_DAYS * DAY_MS),
        db: tx,
      });
      await pruneHourlyUsage({ before: new Date(now - HOURLY_MAX_AGE_DAYS * DAY_MS), db: tx });
      await pruneUsageBatches({ before: new Date(now - DAY_MS), db: tx });
      return removed;
    });
    s.unconfirmed = null;
    if (shouldPrune) {
      s.pruneKeys.clear();
      s.lastPruneAt = Date.now();
    } else {
      for (const id of pruneKeys) s.pruneKeys.add(id);
    }
    s.lastFlushAt = Date.now();
    return { requests, buckets: increments.length, logEntries: log.length, pruned };
  } catch (error) {
    s.flushFailures++;
    // Kept as it is, id included, for the next attempt (see flushUsage).
    s.unconfirmed = batch;
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
 * Start the periodic flusher once per process (lib/lifecycle.ts, after the database is ready).
 * The last flush at shutdown is lib/lifecycle.ts's call to stopUsageFlusher.
 */
export function startUsageFlusher(intervalMs: number): void {
  const s = state();
  if (s.timer) return;
  let failing = false;
  s.timer = setInterval(() => {
    flushUsage().then(
      () => {
        if (failing) logger().info({ pending: pendingUsage().requests }, 'usage flush recovered');
        failing = false;
      },
      (error) => {
        // Once per outage, not every few seconds: the metrics show how long it lasts.
        if (!failing) logError(error, 'usage flush failed; counts kept in memory, will retry');
        failing = true;
      },
    );
  }, intervalMs);
  // The timer alone must not keep a process alive that has nothing else to do.
  s.timer.unref();
}

/**
 * Stop the timer and write what is left, retrying until `deadline` (epoch ms): a database that is
 * briefly away at shutdown must not cost the last counts. Safe to call more than once.
 */
export function stopUsageFlusher(deadline = Date.now() + 5_000): Promise<void> {
  const s = state();
  if (s.timer) clearInterval(s.timer);
  s.timer = null;
  return (s.stopping ??= (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await flushUsage({ prune: false });
        logger().info(
          { requests: result.requests },
          `usage: wrote ${result.requests} request counts at shutdown`,
        );
        return;
      } catch (error) {
        logError(error, 'usage flush at shutdown failed', { attempt });
        if (Date.now() + 250 >= deadline) {
          logger().error({ lost_requests: pendingUsage().requests }, 'usage not written before the deadline');
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  })());
}

/** Scrape-time metrics of the usage buffer (lib/metrics.ts). */
export function registerUsageMetrics(): void {
  const s = state();
  readGauge(
    'crm_usage_flush_lag_seconds',
    'Age of the oldest usage count not yet written to the database (0: none waiting).',
    () => {
      const oldest = s.unconfirmed?.oldestPendingAt || s.oldestPendingAt;
      return oldest ? (Date.now() - oldest) / 1000 : 0;
    },
  );
  readGauge(
    'crm_usage_seconds_since_flush',
    'Seconds since the last successful usage flush.',
    () => (Date.now() - s.lastFlushAt) / 1000,
  );
  readGauge('crm_usage_pending_requests', 'Request counts waiting in memory.', () => pendingUsage().requests);
  totalCounter(
    'crm_usage_flush_failures_total',
    'Usage flushes that failed (retried).',
    () => s.flushFailures,
  );
}
