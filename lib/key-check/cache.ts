import 'server-only';
import { LRUCache } from 'lru-cache';
import { getDatabase } from '@/db';
import { countKeys, findKeyByHash, keyHashPages, previousKeyHashes } from '@/db/queries/key-lookup';
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
 * - Database triggers (migration 0003) NOTIFY crm_key_changes on every change that can alter a key
 *   check; every instance LISTENs and evicts. The instance that made a change also evicts
 *   synchronously (announceKeyChange), before it answers. If the listener is down (our heartbeat is
 *   not echoed), entries fall back to FALLBACK_TTL_MS and the filter is bypassed; on re-subscription
 *   the cache is dropped and the filter rebuilt, since notifications may have been missed.
 */
export const CHANNEL = 'crm_key_changes';
const POSITIVE_TTL_MS = 5 * 60_000;
const FALLBACK_TTL_MS = 2_000;
const NEGATIVE_TTL_MS = 10_000;
const HEARTBEAT_MS = 5_000;
const UNKNOWN_LOOKUPS_PER_SECOND = 50;

type CacheState = {
  positive: LRUCache<string, KeyRecord>;
  negative: LRUCache<string, true>;
  /** Concurrent misses for one hash share one query. */
  inflight: Map<string, Promise<KeyRecord | null>>;
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
  };
};

const globalKey = Symbol.for('crm.key-cache');
type G = typeof globalThis & { [globalKey]?: CacheState };
const instanceId = crypto.randomUUID();

function state(): CacheState {
  const g = globalThis as G;
  return (g[globalKey] ??= {
    positive: new LRUCache<string, KeyRecord>({ max: 50_000, ttl: POSITIVE_TTL_MS }),
    negative: new LRUCache<string, true>({ max: 100_000, ttl: NEGATIVE_TTL_MS }),
    inflight: new Map(),
    filter: null,
    filterLoading: null,
    unknownBudget: new TokenBucket(UNKNOWN_LOOKUPS_PER_SECOND),
    listening: false,
    lastHeartbeat: 0,
    started: false,
    // KEY_CACHE=off turns caching and the filter off (the benchmark's cache-miss figures).
    enabled: process.env.KEY_CACHE !== 'off',
    stats: { hits: 0, misses: 0, negativeHits: 0, filtered: 0, queries: 0, evictions: 0 },
  });
}

/** Whether changes made by other instances reach us right now. */
function healthy(s: CacheState): boolean {
  return s.listening && Date.now() - s.lastHeartbeat < HEARTBEAT_MS * 3;
}

function query(s: CacheState, keyHash: string): Promise<KeyRecord | null> {
  s.stats.queries++;
  return findKeyByHash({ keyHash });
}

/** The lookup every key check uses: cache, then filter, then one indexed query. */
export const cachedKeyLookup: KeyLookup = async (keyHash) => {
  const s = state();
  if (!s.enabled) return query(s, keyHash);
  const ok = healthy(s);
  const hit = s.positive.get(keyHash);
  if (hit) {
    // Listener down: trust only entries younger than the fallback TTL.
    if (ok || s.positive.getRemainingTTL(keyHash) > POSITIVE_TTL_MS - FALLBACK_TTL_MS) {
      s.stats.hits++;
      return hit;
    }
    s.positive.delete(keyHash);
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
  let pending = s.inflight.get(keyHash);
  if (!pending) {
    pending = query(s, keyHash).finally(() => s.inflight.delete(keyHash));
    s.inflight.set(keyHash, pending);
  }
  const record = await pending;
  if (record) s.positive.set(keyHash, record, { ttl: ok ? POSITIVE_TTL_MS : FALLBACK_TTL_MS });
  else s.negative.set(keyHash, true);
  return record;
};

/** Drop every entry a change may affect. Changes are rare and the cache is bounded. */
export function evict(change: KeyChange & { addHash?: string }): void {
  const s = state();
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
  const keyIds = new Set(change.keyIds ?? []);
  if (!keyIds.size && !change.userId && !change.organisationId) return;
  for (const [hash, record] of s.positive.entries()) {
    if (
      keyIds.has(record.id) ||
      (change.userId && record.userId === change.userId) ||
      (change.organisationId &&
        (record.organisationId === change.organisationId || record.tenantIds.includes(change.organisationId)))
    ) {
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
      if (change.heartbeat === instanceId) s.lastHeartbeat = Date.now();
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
  s.lastHeartbeat = Date.now();
  evict({ all: true });
  s.filter = null;
  rebuildFilter(s).catch((error) => console.error('key cache: filter rebuild failed', error));
}

/** Start once per process (from instrumentation, after migrations). */
export async function startKeyCache(): Promise<void> {
  const s = state();
  if (s.started || !s.enabled) return;
  s.started = true;
  onKeyChange((change) => evict(change));

  const handle = getDatabase();
  let notify: (payload: string) => Promise<unknown>;
  if (handle.sql) {
    const sql = handle.sql;
    // postgres-js re-subscribes by itself after a dropped connection and calls onlisten again.
    await sql.listen(
      CHANNEL,
      (payload) => onNotification(s, payload),
      () => onSubscribed(s),
    );
    notify = (payload) => sql`select pg_notify(${CHANNEL}, ${payload})`;
  } else if (handle.pglite) {
    const pglite = handle.pglite;
    await pglite.listen(CHANNEL, (payload) => onNotification(s, payload));
    onSubscribed(s);
    notify = (payload) => pglite.query('select pg_notify($1, $2)', [CHANNEL, payload]);
  } else {
    return;
  }
  const beat = setInterval(() => {
    notify(JSON.stringify({ heartbeat: instanceId })).catch(() => {
      s.listening = false;
    });
    if (Date.now() - s.lastHeartbeat > HEARTBEAT_MS * 3) s.listening = false;
  }, HEARTBEAT_MS);
  beat.unref();
}
