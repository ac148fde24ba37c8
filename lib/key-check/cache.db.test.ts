import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys, users } from '@/db/schema';
import { createApiKey, revokeApiKey } from '@/lib/services/api-keys';
import { createApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { cachedKeyLookup, keyCacheStats, setKeyQueryHookForTests, startKeyCache } from './cache';
import { generateKey, hashKey } from '@/lib/keys/format';
import { verifyKey } from '@/lib/keys/verify';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;

beforeAll(async () => {
  w = await createWorld();
  await startKeyCache();
  await until(() => keyCacheStats().filterKeys !== null);
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const newKey = (name = `Cached ${Math.random()}`) =>
  createApiKey(
    w.adminA.actor,
    createApiKeySchema.parse({ name, permissions: ['customers:read'], tenants: [w.orgA.id] }),
  );

describe('key cache', () => {
  it('serves repeated checks from memory: one query for many checks', async () => {
    const { secret } = await newKey();
    // Let the creation's own notifications arrive first: a lookup that overlaps a change touching
    // its key caches nothing (the revocation race, below), which would cost this test one more query.
    await new Promise((r) => setTimeout(r, 200));
    const before = keyCacheStats().queries;
    for (let i = 0; i < 50; i++) expect((await verifyKey(secret, cachedKeyLookup)).ok).toBe(true);
    expect(keyCacheStats().queries - before).toBe(1);
  });

  it('a revoke through the service is refused on the very next check', async () => {
    const { key, secret } = await newKey();
    expect((await verifyKey(secret, cachedKeyLookup)).ok).toBe(true);
    await revokeApiKey(w.adminA.actor, key.id);
    expect(await verifyKey(secret, cachedKeyLookup)).toMatchObject({ ok: false, code: 'key_revoked' });
  });

  it('a lookup held open across a revoke neither puts the key back in the cache nor answers later requests', async () => {
    const { key, secret } = await newKey();
    // The interleaving of issue 14: a cache miss reads the key (still active), then — before that
    // answer is cached — the revoke commits and evicts, and a request arrives after the revoke returned.
    let readIt!: () => void;
    const read = new Promise<void>((resolve) => (readIt = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    setKeyQueryHookForTests(async (run) => {
      const record = await run();
      readIt();
      await held;
      return record;
    });
    const before = verifyKey(secret, cachedKeyLookup);
    await read;
    setKeyQueryHookForTests(null);
    try {
      await revokeApiKey(w.adminA.actor, key.id);
      // After the revoke returned: refused, although a lookup that saw the key active is still open.
      const after = verifyKey(secret, cachedKeyLookup);
      release();
      expect(await after).toMatchObject({ ok: false, code: 'key_revoked' });
      // The lookup begun before the revoke may answer either way; it must not cache what it read.
      await before;
      expect(await verifyKey(secret, cachedKeyLookup)).toMatchObject({ ok: false, code: 'key_revoked' });
    } finally {
      release();
    }
  });

  it('a change made behind the app’s back (another instance) arrives by NOTIFY and evicts', async () => {
    const { key, secret } = await newKey();
    expect((await verifyKey(secret, cachedKeyLookup)).ok).toBe(true);
    await db.update(apiKeys).set({ status: 'disabled' }).where(eq(apiKeys.id, key.id));
    await until(async () => (await verifyKey(secret, cachedKeyLookup)).ok === false);
    expect(await verifyKey(secret, cachedKeyLookup)).toMatchObject({ ok: false, code: 'key_disabled' });
  });

  it('a usage flush (last_used_at) does not evict', async () => {
    const { key, secret } = await newKey();
    // The creation's own notifications (which do evict) must not land inside the measurement.
    await new Promise((r) => setTimeout(r, 200));
    await verifyKey(secret, cachedKeyLookup);
    const evictions = keyCacheStats().evictions;
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, key.id));
    await db.execute(sql`select pg_notify('crm_key_changes', '{}')`);
    await new Promise((r) => setTimeout(r, 100));
    expect(keyCacheStats().evictions).toBe(evictions);
  });

  it('a demoted owner’s personal key loses its powers at once', async () => {
    const personal = generateKey('personal');
    await db.insert(apiKeys).values({
      organisationId: w.orgA.id,
      kind: 'personal',
      userId: w.adminA.user.id,
      name: 'Personal key',
      keyHash: hashKey(personal),
      prefix: 'pat_live_',
      lastFour: personal.slice(-4),
    });
    expect(await verifyKey(personal, cachedKeyLookup)).toMatchObject({
      ok: true,
      key: { permissions: ['admin'] },
    });
    await db.update(users).set({ role: 'user' }).where(eq(users.id, w.adminA.user.id));
    await until(async () => (await verifyKey(personal, cachedKeyLookup)).ok === false);
    expect(await verifyKey(personal, cachedKeyLookup)).toMatchObject({
      ok: false,
      code: 'api_access_disabled',
    });
    await db.update(users).set({ role: 'admin' }).where(eq(users.id, w.adminA.user.id));
  });

  it('bounds database lookups for a flood of random well-formed keys', async () => {
    const before = keyCacheStats().queries;
    const filteredBefore = keyCacheStats().filtered;
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 2000 }, () => verifyKey(generateKey('integration'), cachedKeyLookup)),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(results.every((r) => !r.ok)).toBe(true);
    // The filter refuses almost all of them: at most the budget (a burst of 50, then 50 a second)
    // plus the filter's false positives (under 1%) reach the database — not 2,000.
    expect(keyCacheStats().queries - before).toBeLessThanOrEqual(50 + Math.ceil(50 * seconds) + 20);
    expect(keyCacheStats().filtered - filteredBefore).toBeGreaterThan(1000);
  });

  it('still finds a key created a moment ago', async () => {
    const { secret } = await newKey();
    expect((await verifyKey(secret, cachedKeyLookup)).ok).toBe(true);
  });
});
