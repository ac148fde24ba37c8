import 'server-only';
import { createHash } from 'node:crypto';
import {
  RateLimiterDrizzle,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { getDatabase } from '@/db';
import { rateLimits } from '@/db/schema';
import { processSingleton } from '@/lib/process-singleton';

/**
 * THE throttles: named limits shared by every instance of the app, counted by `rate-limiter-flexible`
 * (a kept library, not a home-made counter) in one of its stores:
 *
 * - PostgreSQL by default, the app's own database, through the library's Drizzle store on our drizzle
 *   client. We chose it over the library's `RateLimiterPostgres`, which wants a `pg`-style client
 *   (`query({ name, text, values })` with `rows`) and creates its table at run time: the Drizzle store
 *   speaks to the drizzle handle we already have — postgres-js and PGlite alike — and its table
 *   (`rate_limits`, db/schema/rate-limits.ts) comes from a migration. One atomic
 *   `INSERT … ON CONFLICT DO UPDATE … RETURNING` per counted event, so two instances never lose a count.
 * - Redis when REDIS_URL is set (ioredis; one Lua script per event).
 * - PGlite runs in one process, and the same Drizzle store works there, so no memory-only mode is needed.
 *
 * Each store has an in-memory insurance limiter: if the store errors (database or Redis down), the
 * instance keeps counting on its own instead of failing the request. Throttles are a defence layer;
 * an outage of their store must neither lock every user out nor take the API down.
 *
 * Subjects (an e-mail and address, a client address) are stored as SHA-256 digests, never in the clear.
 */
export type LimitRule = {
  /** A stable name; the counters' key prefix. */
  name: string;
  /** Events allowed per window. */
  points: number;
  /** The window, in seconds (fixed window starting at the first event). */
  durationSec: number;
};

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** The named limits of the app. Issue 16's per-key limits pass their own LimitRule instead. */
export const LIMITS = {
  /** Failed sign-ins for one account from one address: the owner elsewhere is never locked out. */
  signInAccountAddress: {
    name: 'sign-in:account-address',
    points: envInt('RATE_LIMIT_SIGN_IN_PER_ACCOUNT', 10),
    durationSec: 15 * 60,
  },
  /** Failed sign-ins from one address, whatever the account (password spraying). */
  signInAddress: {
    name: 'sign-in:address',
    points: envInt('RATE_LIMIT_SIGN_IN_PER_ADDRESS', 100),
    durationSec: 15 * 60,
  },
  /** Failed key checks (malformed, unknown, revoked, expired…) from one address. */
  keyCheckFailures: {
    name: 'key-check:failed',
    points: envInt('RATE_LIMIT_KEY_FAILURES_PER_MINUTE', 100),
    durationSec: 60,
  },
} as const satisfies Record<string, LimitRule>;

export type LimitName = keyof typeof LIMITS;

export type LimitResult = {
  /** Whether this event is within the limit (for peek: whether the next one would be). */
  allowed: boolean;
  /** Events left in the window. */
  remaining: number;
  /** Milliseconds until the window resets (0 when nothing is counted). */
  resetMs: number;
  limit: number;
};

type Store = 'postgres' | 'redis';
type State = {
  limiters: Map<string, RateLimiterAbstract>;
  redis?: Redis;
};
function state(): State {
  return processSingleton<State>('rate-limit', () => ({ limiters: new Map() }));
}

function store(): Store {
  return process.env.REDIS_URL ? 'redis' : 'postgres';
}

async function redisClient(s: State): Promise<Redis> {
  if (!s.redis) {
    const { Redis } = await import('ioredis');
    // No offline queue: while Redis is unreachable, commands fail at once and the insurance limiter
    // answers, instead of requests waiting for a reconnect.
    s.redis = new Redis(process.env.REDIS_URL!, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    s.redis.on('error', () => {}); // reconnects by itself; each failed command falls back to memory
    await s.redis.connect().catch(() => {});
  }
  return s.redis;
}

async function limiterFor(rule: LimitRule): Promise<RateLimiterAbstract> {
  const s = state();
  const kind = store();
  // The database handle is part of the identity: tests (and a changed DATABASE_URL) get a fresh one.
  const db = kind === 'postgres' ? getDatabase().db : null;
  const id = `${kind}|${rule.name}|${rule.points}|${rule.durationSec}`;
  const cached = s.limiters.get(id) as (RateLimiterAbstract & { __db?: unknown }) | undefined;
  if (cached && (kind === 'redis' || cached.__db === db)) return cached;
  const options = { keyPrefix: rule.name, points: rule.points, duration: rule.durationSec };
  const insuranceLimiter = new RateLimiterMemory(options);
  const limiter =
    kind === 'redis'
      ? new RateLimiterRedis({ ...options, storeClient: await redisClient(s), insuranceLimiter })
      : Object.assign(
          new RateLimiterDrizzle({ ...options, storeClient: db, schema: rateLimits, insuranceLimiter }),
          { __db: db },
        );
  s.limiters.set(id, limiter);
  return limiter;
}

function resolveRule(rule: LimitName | LimitRule): LimitRule {
  return typeof rule === 'string' ? LIMITS[rule] : rule;
}

/** Subjects are hashed: the table never holds an e-mail or an address in the clear. */
function subjectKey(subject: string): string {
  return createHash('sha256').update(subject).digest('base64url').slice(0, 32);
}

function toResult(rule: LimitRule, res: RateLimiterRes | null, allowed: boolean): LimitResult {
  return {
    allowed,
    remaining: res ? Math.max(rule.points - res.consumedPoints, 0) : rule.points,
    resetMs: res ? Math.max(res.msBeforeNext, 0) : 0,
    limit: rule.points,
  };
}

/** Count `points` events for `subject`; `allowed` is false once the window's limit is exceeded. */
export async function consume(
  rule: LimitName | LimitRule,
  subject: string,
  points = 1,
): Promise<LimitResult> {
  const r = resolveRule(rule);
  const limiter = await limiterFor(r);
  try {
    const res = await limiter.consume(subjectKey(subject), points);
    return toResult(r, res, true);
  } catch (error) {
    if (error instanceof RateLimiterRes) return toResult(r, error, false);
    // Both the store and the insurance limiter failed: let the request through rather than fail it.
    console.error(`rate limit ${r.name}: store error (${(error as Error)?.name ?? 'unknown'}); allowing`);
    return toResult(r, null, true);
  }
}

/** The state of a subject's counter without counting: `allowed` says whether one more event would be. */
export async function peek(rule: LimitName | LimitRule, subject: string): Promise<LimitResult> {
  const r = resolveRule(rule);
  const limiter = await limiterFor(r);
  try {
    const res = await limiter.get(subjectKey(subject));
    return toResult(r, res, !res || res.consumedPoints < r.points);
  } catch {
    return toResult(r, null, true);
  }
}

/** Forget a subject's counter (e.g. a successful sign-in resets its account's failures). */
export async function reset(rule: LimitName | LimitRule, subject: string): Promise<void> {
  const r = resolveRule(rule);
  const limiter = await limiterFor(r);
  await limiter.delete(subjectKey(subject)).catch(() => {});
}

/** Retry-After in whole seconds (at least 1) for a refused result. */
export function retryAfterSeconds(result: LimitResult): number {
  return Math.max(1, Math.ceil(result.resetMs / 1000));
}

/** Close the Redis connection (tests, shutdown). */
export async function closeRateLimits(): Promise<void> {
  const s = state();
  s.limiters.clear();
  if (s.redis) {
    s.redis.disconnect();
    s.redis = undefined;
  }
}
