import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { db } from '@/db';
import { rowsOf } from '@/db/rows';
import { rateLimits } from '@/db/schema';
import {
  closeRateLimits,
  consume,
  keyRateLimit,
  peek,
  reset,
  retryAfterSeconds,
  type LimitRule,
} from './rate-limit';

const rule = (name: string, points = 3): LimitRule => ({ name: `test:${name}`, points, durationSec: 60 });

/** Another app instance: the same store, none of this process's limiter objects. */
async function asAnotherInstance() {
  await closeRateLimits();
}

describe('rate limits in the database (shared by every instance)', () => {
  it('allows up to the limit, then refuses with the time until the window resets', async () => {
    const r = rule('basic');
    for (let i = 1; i <= 3; i++) {
      const res = await consume(r, 'subject');
      expect(res).toMatchObject({ allowed: true, remaining: 3 - i, limit: 3 });
    }
    const refused = await consume(r, 'subject');
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.resetMs).toBeGreaterThan(0);
    expect(refused.resetMs).toBeLessThanOrEqual(60_000);
    expect(retryAfterSeconds(refused)).toBeGreaterThanOrEqual(1);
    // Another subject is counted apart.
    expect((await consume(r, 'other')).allowed).toBe(true);
  });

  it('counts on another instance: the counter lives in the shared store, not in memory', async () => {
    const r = rule('shared', 2);
    await consume(r, 'x');
    await asAnotherInstance();
    await consume(r, 'x');
    await asAnotherInstance();
    expect((await peek(r, 'x')).allowed).toBe(false);
    expect((await consume(r, 'x')).allowed).toBe(false);
  });

  it('peek does not count; reset forgets the subject', async () => {
    const r = rule('peek', 1);
    expect(await peek(r, 'p')).toMatchObject({ allowed: true, remaining: 1, resetMs: 0 });
    expect(await peek(r, 'p')).toMatchObject({ allowed: true, remaining: 1 });
    await consume(r, 'p');
    expect((await peek(r, 'p')).allowed).toBe(false);
    await reset(r, 'p');
    expect((await peek(r, 'p')).allowed).toBe(true);
  });

  it('stores subjects hashed, never an e-mail or an address in the clear', async () => {
    await consume(rule('hashed'), 'someone@example.com|203.0.113.9');
    const rows = await db
      .select()
      .from(rateLimits)
      .where(sql`${rateLimits.key} like 'test:hashed:%'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].key).not.toContain('example.com');
    expect(rows[0].key).not.toContain('203.0.113.9');
  });
});

/** What withKey does for a key with `rate_limit_per_minute`: one point of the key's own limit. */
const request = (keyId: string, perMinute: number) => consume(keyRateLimit(perMinute), keyId);
const keyRows = () =>
  db
    .select()
    .from(rateLimits)
    .where(sql`${rateLimits.key} like 'key-rate:%'`);

describe('per-key rate limits (rate_limit_per_minute)', () => {
  it('allows the limit a minute, then refuses with nothing left and the seconds to wait', async () => {
    const key = randomUUID();
    for (let i = 1; i <= 5; i++) {
      expect(await request(key, 5)).toMatchObject({ allowed: true, remaining: 5 - i, limit: 5 });
    }
    const refused = await request(key, 5);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 5 });
    expect(refused.resetMs).toBeGreaterThan(50_000);
    expect(refused.resetMs).toBeLessThanOrEqual(60_000);
    expect(retryAfterSeconds(refused)).toBeGreaterThan(50);
    // Another key, even with the same limit, has its own count.
    expect(await request(randomUUID(), 5)).toMatchObject({ allowed: true, remaining: 4 });
    // The store holds a digest of the key's id, never the id itself.
    expect((await keyRows()).some((r) => r.key.includes(key))).toBe(false);
  });

  it('is one count for every instance: 2 here and 2 on another instance use up a limit of 4', async () => {
    const key = randomUUID();
    await request(key, 4);
    await request(key, 4);
    await asAnotherInstance();
    expect(await request(key, 4)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await request(key, 4)).toMatchObject({ allowed: true, remaining: 0 });
    await asAnotherInstance();
    expect((await request(key, 4)).allowed).toBe(false);
  });

  it('once the window is used up, refuses from memory without asking the store', async () => {
    const key = randomUUID();
    await request(key, 2);
    await request(key, 2);
    // The store forgets the key (as if its row had expired); this instance still refuses it, which
    // shows the refusal made no round trip …
    await db.delete(rateLimits).where(sql`${rateLimits.key} like 'key-rate:%'`);
    const refused = await request(key, 2);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetMs).toBeGreaterThan(50_000);
    expect(await keyRows()).toHaveLength(0);
    // … while another instance, which has no such memory, asks the store and is allowed.
    await asAnotherInstance();
    expect((await request(key, 2)).allowed).toBe(true);
  });

  it('applies a changed limit at once, to the window under way', async () => {
    const key = randomUUID();
    for (let i = 0; i < 3; i++) await request(key, 3);
    expect((await request(key, 3)).allowed).toBe(false);
    // Raised to 5 (the key record carries the new limit after an edit): 2 more in this window.
    expect(await request(key, 5)).toMatchObject({ allowed: true, remaining: 1, limit: 5 });
    expect(await request(key, 5)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await request(key, 5)).allowed).toBe(false);
    // Lowered below what is used: refused at once.
    const other = randomUUID();
    for (let i = 0; i < 3; i++) await request(other, 100);
    expect(await request(other, 2)).toMatchObject({ allowed: false, remaining: 0, limit: 2 });
  });

  it('keeps its counters in an unlogged table: a counted request waits for no WAL flush', async () => {
    const rows = rowsOf<{ relpersistence: string }>(
      await db.execute(sql`select relpersistence from pg_class where relname = 'rate_limits'`),
    );
    expect(rows).toEqual([{ relpersistence: 'u' }]);
  });

  it('keeps counting in memory when the store fails, instead of failing requests', async () => {
    const key = randomUUID();
    await asAnotherInstance();
    await db.execute(sql`alter table rate_limits rename to rate_limits_away`);
    try {
      for (let i = 1; i <= 3; i++) {
        expect(await request(key, 3)).toMatchObject({ allowed: true, remaining: 3 - i });
      }
      expect(await request(key, 3)).toMatchObject({ allowed: false, remaining: 0 });
    } finally {
      await db.execute(sql`alter table rate_limits_away rename to rate_limits`);
    }
    // The store is back: counting goes on there.
    await asAnotherInstance();
    expect(await request(key, 3)).toMatchObject({ allowed: true, remaining: 2 });
  });
});

// Redis is optional: the same behaviour when REDIS_URL is set (the CI machine has one on 127.0.0.1).
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await (async () => {
  const net = await import('node:net');
  const { hostname, port } = new URL(redisUrl);
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
})();

describe.skipIf(!redisUp || process.env.TEST_DB !== 'pglite')('rate limits in Redis (REDIS_URL)', () => {
  afterAll(async () => {
    await closeRateLimits();
    delete process.env.REDIS_URL;
  });

  it('uses Redis when REDIS_URL is set, shared across instances, and leaves the database alone', async () => {
    process.env.REDIS_URL = redisUrl;
    await closeRateLimits();
    const r = rule(`redis-${Date.now()}`, 2);
    await consume(r, 'x');
    await asAnotherInstance();
    expect((await consume(r, 'x')).allowed).toBe(true);
    const refused = await consume(r, 'x');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 2 });
    expect(refused.resetMs).toBeGreaterThan(0);
    const rows = await db
      .select()
      .from(rateLimits)
      .where(sql`${rateLimits.key} like ${r.name + ':%'}`);
    expect(rows).toHaveLength(0);
    await reset(r, 'x');
    expect((await peek(r, 'x')).allowed).toBe(true);
  });
});
