import 'server-only';
import { LRUCache } from 'lru-cache';
import { getDatabase } from '@/db';
import { countKeys, findKeyByHash, keyHashPages, previousKeyHashes } from '@/db/queries/key-lookup';
import { isDatabaseUnavailable } from '@/db/errors';
import { AppError } from '@/lib/errors';
import { logError } from '@/lib/log';
import { processSingleton } from '@/lib/process-singleton';
import { withDeadline } from '@/lib/deadline';
import { readGauge, totalCounter } from '@/lib/metrics';
import { onKeyChange, type KeyChange } from './invalidation';
import { KeyFilter, TokenBucket } from './key-filter';
import type { KeyLookup, KeyRecord } from '@/lib/keys/verify';

/**
 * The key-check cache: the hot path's answer to "which key has this hash?".
 *
 * - Positive entries (hash → key record) live up to POSITIVE_TTL_MS. Expiry is not cached: the
 *   record holds expires_at and every request compares it with the clock.
 * - Negative entries (hash → unknown) live NEGATIVE_TTL_MS, so a repeated bad key costs one query.
 * - A Bloom filter of every existing key's hash answers "certainly unknown" for random well-formed
 *   keys; those get at most UNKNOWN_LOOKUPS_PER_SECOND database lookups (the rest are refused), so a
 *   flood cannot hammer the database, while a key created a moment ago on another instance — whose
 *   hash may still be on its way here — is still looked up.
 * - Database triggers (drizzle/0003_key_change_notifications.sql, the api_keys one extended by
 *   0013_key_change_notifications_v2.sql) NOTIFY crm_key_changes on every change that can alter a key
 *   check; every instance LISTENs and evicts. The instance that made a change also evicts
 *   synchronously (announceKeyChange), before it answers. If the listener is down (our heartbeat is
 *   not echoed), an entry older than FALLBACK_TTL_MS is checked against the database again, and the
 *   filter is bypassed; on re-subscription the cache is dropped and the filter rebuilt, since
 *   notifications may have been missed.
 * - A database outage: when the database cannot answer that re-check, the cached entry stands for
 *   the rest of its normal lifetime (nobody can revoke a key in a database that is down), so keys in
 *   use keep working through a restart or a failover; unknown keys get 503. While the database is
 *   known to be down (for OUTAGE_PROBE_MS after a failure), cached keys are served without asking.
 * - The revocation race: a lookup that read a key before a change committed must not put the old
 *   record back after the change evicted it. Every change bumps a generation counter (and is kept in
 *   a short list) and drops the lookups in flight; a lookup caches its answer only if no change since
 *   it began touches that answer, and no request that starts after a change joins a lookup begun
 *   before it.
 */
export const CHANNEL = 'crm_key_changes';
const POSITIVE_TTL_MS = 5 * 60_000;
const FALLBACK_TTL_MS = 2_000;
const NEGATIVE_TTL_MS = 10_000;
const HEARTBEAT_MS = 5_000;
const UNKNOWN_LOOKUPS_PER_SECOND = 50;
/** A cache-miss lookup that takes longer is abandoned: 503, not a hang. */
const LOOKUP_DEADLINE_MS = 2_000;
/** After a failed lookup, serve cached keys without asking the database for this long. */
const OUTAGE_PROBE_MS = 1_000;

type Entry = { record: KeyRecord; at: number };

/**
 * Milliseconds on a monotonic clock: every time kept here is a duration. `Date.now()` inside a
 * request is Next's instrumented clock (it asks two async-context stores each call); this is not.
 */
const clock = () => performance.now();
const serviceUnavailable = () => new AppError('service_unavailable');
type Change = KeyChange & { addHash?: string };
/** Changes remembered for lookups in flight; a lookup older than these caches nothing. */
const RECENT_CHANGES = 256;

type CacheState = {
  positive: LRUCache<string, Entry>;
  negative: LRUCache<string, true>;
  /** Concurrent misses for one hash share one query (dropped by every eviction). */
  inflight: Map<string, Promise<KeyRecord | null>>;
  /** Bumped by every change; `recent` holds the last changes, to tell which lookups they touch. */
  generation: number;
  recent: { generation: number; change: Change }[];
  /** Until then the database is taken as down (a lookup just failed). */
  databaseDownUntil: number;
  filter: KeyFilter | null;
  filterLoading: KeyFilter | null;
  unknownBudget: TokenBucket;
  listening: boolean;
  lastHeartbeat: number;
  started: boolean;
  enabled: boolean;
  stats: {
    hits: number;
    misses: number;
    negativeHits: number;
    filtered: number;
    queries: number;
    evictions: number;
    staleHits: number;
    lookupFailures: number;
  };
  /** Tests only: wraps the database query (to hold a lookup open across a revoke). */
  queryHook: ((query: () => Promise<KeyRecord | null>) => Promise<KeyRecord | null>) | null;
};

const instanceId = crypto.randomUUID();

function state(): CacheState {
  return processSingleton<CacheState>('key-cache', () => ({
    positive: new LRUCache<string, Entry>({ max: 50_000, ttl: POSITIVE_TTL_MS }),
    negative: new LRUCache<string, true>({ max: 100_000, ttl: NEGATIVE_TTL_MS }),
    inflight: new Map(),
    generation: 0,
    recent: [],
    databaseDownUntil: 0,
    filter: null,
    filterLoading: null,
    unknownBudget: new TokenBucket(UNKNOWN_LOOKUPS_PER_SECOND),
    listening: false,
    lastHeartbeat: 0,
    started: false,
    // KEY_CACHE=off turns caching and the filter off (the benchmark's cache-miss figures).
    enabled: process.env.KEY_CACHE !== 'off',
    stats: {
      hits: 0,
      misses: 0,
      negativeHits: 0,
      filtered: 0,
      queries: 0,
      evictions: 0,
      staleHits: 0,
      lookupFailures: 0,
    },
    queryHook: null,
  }));
}

/** Whether changes made by other instances reach us right now. */
function healthy(s: CacheState): boolean {
  return s.listening && clock() - s.lastHeartbeat < HEARTBEAT_MS * 3;
}

function query(s: CacheState, keyHash: string): Promise<KeyRecord | null> {
  s.stats.queries++;
  const run = () => withDeadline(findKeyByHash({ keyHash }), LOOKUP_DEADLINE_MS, serviceUnavailable);
  return s.queryHook ? s.queryHook(run) : run();
}

function unavailable(error: unknown): boolean {
  return isDatabaseUnavailable(error) || (error instanceof AppError && error.code === 'service_unavailable');
}

/**
 * One lookup shared by concurrent misses of the same hash, begun in the current generation; its
 * answer is cached only if no eviction happened meanwhile (the revocation race, closed by design).
 */
async function lookupAndCache(s: CacheState, keyHash: string): Promise<KeyRecord | null> {
  const generation = s.generation;
  let pending = s.inflight.get(keyHash);
  if (!pending) {
    const started = query(s, keyHash);
    pending = started;
    s.inflight.set(keyHash, started);
    const forget = () => {
      if (s.inflight.get(keyHash) === started) s.inflight.delete(keyHash);
    };
    started.then(forget, forget);
  }
  let record: KeyRecord | null;
  try {
    record = await pending;
  } catch (error) {
    if (unavailable(error)) {
      s.stats.lookupFailures++;
      s.databaseDownUntil = clock() + OUTAGE_PROBE_MS;
    }
    throw error;
  }
  if (!changedSince(s, generation, keyHash, record)) {
    if (record) s.positive.set(keyHash, { record, at: clock() });
    else s.negative.set(keyHash, true);
  }
  return record;
}

/** Does this change touch this cached record? */
function affects(change: Change, record: KeyRecord): boolean {
  return Boolean(
    change.all ||
    change.keyIds?.includes(record.id) ||
    (change.userId && record.userId === change.userId) ||
    (change.organisationId &&
      (record.organisationId === change.organisationId || record.tenantIds.includes(change.organisationId))),
  );
}

/** Did a change since `generation` touch what a lookup read (a record, or "no such key")? */
function changedSince(s: CacheState, generation: number, keyHash: string, record: KeyRecord | null): boolean {
  if (s.generation === generation) return false;
  // The list no longer reaches back to the lookup's start: assume the worst.
  if (!s.recent.length || s.recent[0].generation > generation + 1) return true;
  for (const { generation: g, change } of s.recent) {
    if (g <= generation) continue;
    if (!record) {
      if (change.all || change.addHash === keyHash) return true;
      continue;
    }
    // A key's own creation (its hash announced) does not make the record read with that hash stale;
    // a regenerate announces a different hash, and does.
    if (change.addHash === record.keyHash && !change.userId && !change.organisationId && !change.all)
      continue;
    if (affects(change, record)) return true;
  }
  return false;
}

/**
 * The lookup every key check uses: cache, then filter, then one indexed query. A hit, a negative hit
 * and a filtered key answer synchronously (no promise); only a database lookup is awaited.
 */
export const cachedKeyLookup: KeyLookup = (keyHash) => {
  const s = state();
  if (!s.enabled) return query(s, keyHash);
  const ok = healthy(s);
  const hit = s.positive.get(keyHash);
  if (hit) {
    // Listener up: changes reach us, the entry is current. Down: re-check entries older than the
    // fallback TTL, unless the database is down too — then the entry stands (see above).
    if (ok || clock() - hit.at < FALLBACK_TTL_MS) {
      s.stats.hits++;
      return hit.record;
    }
    if (clock() < s.databaseDownUntil) {
      s.stats.staleHits++;
      return hit.record;
    }
    s.stats.misses++;
    return recheckStale(s, keyHash, hit.record);
  }
  if (s.negative.get(keyHash)) {
    s.stats.negativeHits++;
    return null;
  }
  if (ok && s.filter && !s.filter.mightContain(keyHash) && !s.unknownBudget.take()) {
    s.stats.filtered++;
    return null;
  }
  s.stats.misses++;
  return lookupAndCache(s, keyHash);
};

/** A stale entry re-read; if the database cannot answer, the entry stands. */
async function recheckStale(s: CacheState, keyHash: string, stale: KeyRecord): Promise<KeyRecord | null> {
  try {
    return await lookupAndCache(s, keyHash);
  } catch (error) {
    if (!unavailable(error)) throw error;
    s.stats.staleHits++;
    return stale;
  }
}

/** Drop every entry a change may affect. Changes are rare and the cache is bounded. */
export function evict(change: Change): void {
  const s = state();
  // Whatever a lookup in flight read may be out of date now: it must not be joined, and it is
  // cached only if this change does not touch it (changedSince).
  s.generation++;
  s.recent.push({ generation: s.generation, change });
  if (s.recent.length > RECENT_CHANGES) s.recent.shift();
  s.inflight.clear();
  if (change.addHash) {
    s.filter?.add(change.addHash);
    s.filterLoading?.add(change.addHash);
    s.negative.delete(change.addHash);
  }
  if (change.all) {
    s.positive.clear();
    s.negative.clear();
    s.stats.evictions++;
    return;
  }
  if (!change.keyIds?.length && !change.userId && !change.organisationId) return;
  for (const [hash, { record }] of s.positive.entries()) {
    if (affects(change, record)) {
      s.positive.delete(hash);
      s.stats.evictions++;
    }
  }
}

export function keyCacheStats() {
  const s = state();
  return {
    ...s.stats,
    size: s.positive.size,
    negativeSize: s.negative.size,
    filterKeys: s.filter?.added ?? null,
    listening: healthy(s),
    enabled: s.enabled,
  };
}

/** Build a new filter from every key's hash, in pages along the unique index, then swap it in. */
async function rebuildFilter(s: CacheState): Promise<void> {
  const filter = new KeyFilter(Math.max(100_000, (await countKeys()) * 2));
  s.filterLoading = filter;
  for await (const page of keyHashPages()) for (const h of page) filter.add(h);
  // Rotations in their overlap: the previous secrets are keys too (few; no paging needed).
  for (const h of await previousKeyHashes()) filter.add(h);
  if (s.filterLoading === filter) {
    s.filter = filter;
    s.filterLoading = null;
  }
}

function onNotification(s: CacheState, payload: string): void {
  try {
    const change = JSON.parse(payload) as KeyChange & { addHash?: string; heartbeat?: string };
    if (change.heartbeat) {
      if (change.heartbeat === instanceId) s.lastHeartbeat = clock();
      return;
    }
    evict(change);
  } catch {
    // not ours
  }
}

function onSubscribed(s: CacheState): void {
  // (Re-)subscribed: anything may have changed while we were not listening.
  s.listening = true;
  s.lastHeartbeat = clock();
  evict({ all: true });
  s.filter = null;
  rebuildFilter(s).catch((error) => logError(error, 'key cache: filter rebuild failed'));
}

/** Start once per process (from instrumentation, after migrations). */
export async function startKeyCache(): Promise<void> {
  const s = state();
  if (s.started || !s.enabled) return;
  s.started = true;
  onKeyChange((change) => evict(change));

  const handle = getDatabase();
  // On PostgreSQL, postgres-js re-subscribes by itself after a dropped connection and calls
  // onSubscribed again (db/index.ts).
  await handle.listen(
    CHANNEL,
    (payload) => onNotification(s, payload),
    () => onSubscribed(s),
  );
  const notify = (payload: string) => handle.notify(CHANNEL, payload);
  // The heartbeat never hangs: the pool's connect timeout and statement timeout bound it, and a
  // beat still pending when the next is due counts as a failure.
  let beating = false;
  const beat = setInterval(() => {
    if (clock() - s.lastHeartbeat > HEARTBEAT_MS * 3) s.listening = false;
    if (beating) {
      s.listening = false;
      return;
    }
    beating = true;
    notify(JSON.stringify({ heartbeat: instanceId }))
      .catch(() => {
        s.listening = false;
      })
      .finally(() => {
        beating = false;
      });
  }, HEARTBEAT_MS);
  beat.unref();
}

/** Tests only: wrap the database query of a lookup (hold it open across a change). */
export function setKeyQueryHookForTests(hook: CacheState['queryHook']): void {
  state().queryHook = hook;
}

/** Scrape-time metrics of the cache (lib/metrics.ts); no cost on the hot path. */
export function registerKeyCacheMetrics(): void {
  const s = state();
  totalCounter('crm_key_cache_hits_total', 'Key checks answered from the cache.', () => s.stats.hits);
  totalCounter(
    'crm_key_cache_stale_hits_total',
    'Key checks answered from the cache while the database was unreachable.',
    () => s.stats.staleHits,
  );
  totalCounter(
    'crm_key_cache_misses_total',
    'Key checks that needed a database lookup.',
    () => s.stats.misses,
  );
  totalCounter(
    'crm_key_cache_negative_hits_total',
    'Unknown keys answered from the negative cache.',
    () => s.stats.negativeHits,
  );
  totalCounter(
    'crm_key_cache_filtered_total',
    'Unknown keys refused by the Bloom filter without a lookup.',
    () => s.stats.filtered,
  );
  totalCounter(
    'crm_key_cache_evictions_total',
    'Cache entries evicted by key changes.',
    () => s.stats.evictions,
  );
  totalCounter(
    'crm_key_lookup_failures_total',
    'Key lookups that failed because the database was unreachable.',
    () => s.stats.lookupFailures,
  );
  readGauge('crm_key_cache_entries', 'Keys in the cache.', () => s.positive.size);
  readGauge(
    'crm_key_listener_connected',
    '1 when change notifications reach this instance (LISTEN up, heartbeat echoed), else 0.',
    () => (healthy(s) ? 1 : 0),
  );
}
