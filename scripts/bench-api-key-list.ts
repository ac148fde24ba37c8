/**
 * How fast the admin list stays with many keys: 100,000 integration keys in one organisation (allowed
 * tenants like real ones: mostly the organisation itself, some a partner too, a few all tenants), then
 * the queries behind /admin/api-keys (one page, the count, the summary widgets) for common views, as
 * that organisation's admin sees them.
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
// Setting up 100,000 keys is one long statement; the app's 5 s statement timeout would cancel it on a
// loaded machine. The timed queries are far below either limit.
process.env.DATABASE_STATEMENT_TIMEOUT_MS ??= '600000';

let drop: (() => Promise<void>) | undefined;
if (process.env.DATABASE_URL) {
  const created = await createTestDatabase(process.env.DATABASE_URL, 'bench');
  process.env.DATABASE_URL = created.url;
  drop = created.drop;
} else {
  process.env.DATA_DIR = 'memory://';
}

const { getDatabase } = await import('../db/index');
const { rowsOf } = await import('../db/rows');
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
  const [partner] = await db
    .insert(organisations)
    .values({ name: 'Bench partner', slug: `bench-partner-${Date.now()}` })
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
  // Allowed tenants as the app writes them: the organisation itself; one key in ten also a partner
  // organisation, one in a hundred "all tenants" (the admin sees neither kind: rule 2).
  await db.execute(sql`
    update api_keys set all_tenants = true
    where organisation_id = ${org.id}::uuid and (substring(name from 13))::int % 100 = 37`);
  await db.execute(sql`
    insert into api_key_tenants (api_key_id, organisation_id)
    select id, ${org.id}::uuid from api_keys where organisation_id = ${org.id}::uuid and not all_tenants
    union all
    select id, ${partner.id}::uuid from api_keys
    where organisation_id = ${org.id}::uuid and not all_tenants and (substring(name from 13))::int % 10 = 3`);
  await db.execute(sql`vacuum analyze api_key_tenants`);
  // A long-lived table is vacuumed (autovacuum): the visibility map lets counts read the index only.
  await db.execute(sql`vacuum analyze api_keys`);
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
  // A position 85% down all keys, newest first (the admin sees ~89% of them): where a cursor to a
  // page in the 4,000s would lead.
  const deep = await db.execute<{ value: string; id: string }>(sql`
    select created_at::text as value, id from api_keys where organisation_id = ${org.id}
    order by created_at desc, id desc offset ${Math.floor(KEYS * 0.85)} limit 1`);
  const [position] = rowsOf<{ value: string; id: string }>(deep);
  const views: [string, Record<string, unknown>][] = [
    ['first page (all keys, newest first)', {}],
    ['default view (current keys, newest first)', { status: 'current' }],
    ...(['active', 'expiring_soon', 'expired', 'disabled', 'revoked', 'unused', 'ended'] as const).map(
      (status): [string, Record<string, unknown>] => [`filter: ${status}`, { status }],
    ),
    ...(['name', 'expires', 'last_used', 'created_by'] as const).flatMap(
      (sort): [string, Record<string, unknown>][] => [
        [`sort by ${sort} asc`, { status: 'current', sort, order: 'asc' }],
        [`sort by ${sort} desc`, { status: 'current', sort, order: 'desc' }],
      ],
    ),
    ['search name "gration 4242"', { q: 'gration 4242' }],
    ['search description "billing"', { status: 'current', q: 'billing' }],
    ['search visible identifier "…00ff"', { q: '…00ff' }],
    ['page 2,000 by offset (?page=)', { page: 2000 }],
  ];
  const cursorView = {
    ...listApiKeysSchema.parse({}),
    cursor: { sort: 'created', order: 'desc', status: 'all', q: '', page: 5000, ...position } as const,
  };
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
  {
    const { median, p95 } = await measure(() => listApiKeys(actor, cursorView));
    console.log(
      `${'deep page by cursor (?cursor=)'.padEnd(52)} median ${median.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms`,
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
