/**
 * How fast the admin list stays with many keys: 100,000 integration keys in one organisation, then
 * the queries behind /admin/api-keys (one page, the count, the summary widgets) for common views.
 *
 *   DATABASE_URL=postgres://… npm run bench:api-keys     → a throw-away PostgreSQL database
 *   npm run bench:api-keys                               → in-memory PGlite
 *
 * KEYS=20000 changes the size. Prints the median and p95 of 15 runs per view.
 */
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../test/postgres-admin';

const KEYS = Number(process.env.KEYS ?? 100_000);
const RUNS = 15;

let drop: (() => Promise<void>) | undefined;
if (process.env.DATABASE_URL) {
  const created = await createTestDatabase(process.env.DATABASE_URL, 'bench');
  process.env.DATABASE_URL = created.url;
  drop = created.drop;
} else {
  process.env.DATA_DIR = 'memory://';
}

const { getDatabase } = await import('../db/index');
const { organisations, users } = await import('../db/schema');
const { listApiKeys, getApiKeySummary } = await import('../lib/services/api-keys');
const { listApiKeysSchema } = await import('../lib/validation/api-keys');
const handle = getDatabase();
await handle.ready;
const db = handle.db;

try {
  const [org] = await db
    .insert(organisations)
    .values({ name: 'Bench org', slug: `bench-${Date.now()}` })
    .returning();
  const [admin] = await db
    .insert(users)
    .values({
      organisationId: org.id,
      email: `bench-${Date.now()}@bench.example`,
      name: 'Bench',
      role: 'admin',
      passwordHash: 'x',
    })
    .returning();
  const started = performance.now();
  // Spread over statuses, expiries, creators' use and names, like a real long-lived organisation.
  await db.execute(sql`
    insert into api_keys (organisation_id, name, description, key_hash, prefix, last_four, permissions,
                          status, expires_at, last_used_at, created_by_user_id, created_at)
    select ${org.id}::uuid, 'Integration ' || i, 'Key number ' || i || case when i % 50 = 0 then ' billing' else '' end,
           md5(i::text) || md5((i * 7)::text), 'sk_live_', lpad(to_hex(i % 65536), 4, '0'), array['customers:read'],
           case when i % 20 = 0 then 'revoked' when i % 13 = 0 then 'disabled' else 'active' end,
           case when i % 4 = 0 then null else now() + ((i % 400) - 30) * interval '1 day' end,
           case when i % 3 = 0 then null else now() - (i % 90) * interval '1 day' end,
           ${admin.id}::uuid, now() - (i % 1000) * interval '1 hour'
    from generate_series(1, ${KEYS}) as i`);
  await db.execute(sql`analyze api_keys`);
  console.log(
    `${handle.driver}: inserted ${KEYS} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const actor = {
    type: 'user' as const,
    userId: admin.id,
    organisationId: org.id,
    role: 'admin' as const,
    label: 'bench',
  };
  const views: [string, Record<string, unknown>][] = [
    ['default view (current keys, newest first, page 1)', { status: 'current' }],
    ['all keys, page 1', {}],
    ['page 2,000 of all keys', { page: 2000 }],
    ['sort by name', { status: 'current', sort: 'name', order: 'asc' }],
    ['sort by last used', { status: 'current', sort: 'last_used' }],
    ['sort by created by', { status: 'current', sort: 'created_by', order: 'asc' }],
    ['filter: expiring soon', { status: 'expiring_soon' }],
    ['filter: revoked / expired tab', { status: 'ended' }],
    ['search "billing"', { status: 'current', q: 'billing' }],
    ['search a visible identifier "…00ff"', { status: 'all', q: '…00ff' }],
  ];
  const measure = async (run: () => Promise<unknown>) => {
    await run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(RUNS / 2)], p95: times[Math.ceil(RUNS * 0.95) - 1] };
  };
  for (const [label, params] of views) {
    const filter = listApiKeysSchema.parse(params);
    const { median, p95 } = await measure(() => listApiKeys(actor, filter));
    console.log(
      `${label.padEnd(52)} median ${median.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms`,
    );
  }
  const { median, p95 } = await measure(() => getApiKeySummary(actor));
  console.log(
    `${'summary widgets'.padEnd(52)} median ${median.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms`,
  );
} finally {
  await handle.close();
  await drop?.();
}
