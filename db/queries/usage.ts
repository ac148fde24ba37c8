import 'server-only';
import { and, asc, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { apiKeys, keyAccessLog, keyUsageHourly, usageFlushes, type NewKeyAccessLogEntry } from '@/db/schema';
import { rowsOf } from '@/db/rows';
import { keyScopeCondition, type KeyScope, type OrganisationScope } from './api-keys';

/** Counters of one key in one UTC hour, as the flusher adds them. */
export type HourlyIncrement = {
  keyId: string;
  hour: Date;
  success: number;
  denied: number;
  rateLimited: number;
  previousSecret: number;
};

// Access-log inserts are chunked: one statement's JSON stays small, and the event loop serves
// requests while each chunk is on its way (building 5,000 rows at once stalled it for tens of ms).
const INSERT_CHUNK = 500;

/**
 * Lock the keys a flush touches, in id order, and return the ones that still exist with their
 * organisation. The lock (FOR NO KEY UPDATE) keeps a concurrent delete from breaking the batch's
 * foreign keys, and the fixed order keeps two instances flushing the same keys from deadlocking.
 */
/**
 * Claim a usage batch id in the batch's transaction: false when that batch was written already (its
 * COMMIT went through, its answer was lost), so it is not added twice.
 */
export async function claimUsageBatch({ id, db }: { id: string; db: Executor }): Promise<boolean> {
  const rows = await db
    .insert(usageFlushes)
    .values({ id })
    .onConflictDoNothing()
    .returning({ id: usageFlushes.id });
  return rows.length > 0;
}

/** Forget batch ids older than `before` (a retry never comes that late). */
export async function pruneUsageBatches({ before, db }: { before: Date; db: Executor }) {
  await db.delete(usageFlushes).where(lt(usageFlushes.flushedAt, before));
}

export async function lockExistingKeys({ keyIds, db }: { keyIds: string[]; db: Executor }) {
  if (keyIds.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ id: apiKeys.id, organisationId: apiKeys.organisationId })
    .from(apiKeys)
    .where(inArray(apiKeys.id, keyIds))
    .orderBy(asc(apiKeys.id))
    .for('no key update');
  return new Map(rows.map((r) => [r.id, r.organisationId]));
}

/** One statement for the whole batch: the counters are added to what the hour already holds. */
export async function addHourlyUsage({
  increments,
  organisations,
  db,
}: {
  increments: HourlyIncrement[];
  organisations: Map<string, string>;
  db: Executor;
}) {
  const rows = increments
    .filter((i) => organisations.has(i.keyId))
    .map((i) => ({
      keyId: i.keyId,
      organisationId: organisations.get(i.keyId)!,
      hour: i.hour,
      success: i.success,
      denied: i.denied,
      rateLimited: i.rateLimited,
      previousSecret: i.previousSecret,
    }));
  if (rows.length === 0) return;
  await db
    .insert(keyUsageHourly)
    .values(rows)
    .onConflictDoUpdate({
      target: [keyUsageHourly.keyId, keyUsageHourly.hour],
      set: {
        success: sql`${keyUsageHourly.success} + excluded.success`,
        denied: sql`${keyUsageHourly.denied} + excluded.denied`,
        rateLimited: sql`${keyUsageHourly.rateLimited} + excluded.rate_limited`,
        previousSecret: sql`${keyUsageHourly.previousSecret} + excluded.previous_secret`,
      },
    });
}

/** Move each key's last_used_at forward (never back: an older batch may land after a newer one). */
export async function touchLastUsed({
  lastUsed,
  column = 'last_used_at',
  db,
}: {
  lastUsed: Map<string, Date>;
  column?: 'last_used_at' | 'previous_key_last_used_at';
  db: Executor;
}) {
  if (lastUsed.size === 0) return;
  const col = sql.raw(column);
  const values = sql.join(
    [...lastUsed].map(([id, at]) => sql`(${id}::uuid, ${at.toISOString()}::timestamptz)`),
    sql`, `,
  );
  await db.execute(sql`
    update api_keys k set ${col} = greatest(k.${col}, v.at)
    from (values ${values}) as v(id, at)
    where k.id = v.id`);
}

/**
 * The batch as one JSON parameter, expanded by json_to_recordset: one native JSON.stringify instead
 * of eight bound parameters a row. At a few thousand entries a flush, binding them one by one cost
 * ~40 µs of the event loop per logged request (measured: docs/performance.md), the hot path's tail.
 */
export async function insertAccessLog({ entries, db }: { entries: NewKeyAccessLogEntry[]; db: Executor }) {
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    const rows = entries.slice(i, i + INSERT_CHUNK).map((e) => ({
      key_id: e.keyId,
      at: e.at,
      method: e.method,
      path: e.path,
      status: e.status,
      ip: e.ip ?? null,
      user_agent: e.userAgent ?? null,
      latency_ms: e.latencyMs,
    }));
    await db.execute(sql`
      insert into ${keyAccessLog} (key_id, at, method, path, status, ip, user_agent, latency_ms)
      select key_id, at, method, path, status, ip, user_agent, latency_ms
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as x(key_id uuid, at timestamptz, method text, path text, status smallint, ip text,
             user_agent text, latency_ms integer)`);
  }
}

/**
 * Keep the access log bounded: nothing older than `before`, and at most `keep` entries per key for
 * the keys given (those written to since the last pruning). Returns how many rows went.
 */
export async function pruneAccessLog({
  keyIds,
  keep,
  before,
  db,
}: {
  keyIds: string[];
  keep: number;
  before: Date;
  db: Executor;
}): Promise<number> {
  const old = await db
    .delete(keyAccessLog)
    .where(lt(keyAccessLog.at, before))
    .returning({ id: keyAccessLog.id });
  let removed = old.length;
  if (keyIds.length) {
    const ids = sql.join(
      keyIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const result = await db.execute<{ n: number }>(sql`
      with ranked as (
        select id, row_number() over (partition by key_id order by at desc, id desc) as rn
        from key_access_log where key_id in (${ids})
      ), gone as (
        delete from key_access_log l using ranked r where l.id = r.id and r.rn > ${keep} returning 1
      )
      select count(*)::int as n from gone`);
    removed += Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
  }
  return removed;
}

/** Hourly buckets older than `before` go: the charts look back 30 days, the table keeps about a year. */
export async function pruneHourlyUsage({ before, db }: { before: Date; db: Executor }) {
  await db.delete(keyUsageHourly).where(lt(keyUsageHourly.hour, before));
}

export type UsageBucketRow = { start: Date; success: number; denied: number; rateLimited: number };

/**
 * Requests per hour or per UTC day since `from`, for one key or for every key in a scope.
 * Only buckets that have requests come back; the caller fills the gaps.
 */
export async function sumUsage({
  keyId,
  scope,
  from,
  bucket,
  db = defaultDb,
}: {
  keyId?: string;
  scope?: OrganisationScope;
  from: Date;
  bucket: 'hour' | 'day';
  db?: Executor;
}): Promise<UsageBucketRow[]> {
  const start =
    bucket === 'hour' ? sql`${keyUsageHourly.hour}` : sql`date_trunc('day', ${keyUsageHourly.hour}, 'UTC')`;
  const rows = await db
    .select({
      start: sql<string>`${start}`.as('start'),
      success: sql<number>`sum(${keyUsageHourly.success})::int`,
      denied: sql<number>`sum(${keyUsageHourly.denied})::int`,
      rateLimited: sql<number>`sum(${keyUsageHourly.rateLimited})::int`,
    })
    .from(keyUsageHourly)
    .where(
      and(
        gte(keyUsageHourly.hour, from),
        keyId ? eq(keyUsageHourly.keyId, keyId) : undefined,
        scope ? usageScope(scope) : undefined,
      ),
    )
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  return rows.map((r) => ({
    start: new Date(r.start),
    success: Number(r.success),
    denied: Number(r.denied),
    rateLimited: Number(r.rateLimited),
  }));
}

function usageScope(scope: OrganisationScope): SQL | undefined {
  if (scope.all) return undefined;
  if (scope.organisationIds.length === 0) return sql`false`;
  return inArray(keyUsageHourly.organisationId, scope.organisationIds);
}

/**
 * The keys with the most requests since `from`: personal keys within the organisation scope,
 * integration keys within the key scope (the keys the caller reaches, lib/access.ts rule 2).
 */
export async function findTopKeys({
  scope,
  keys,
  from,
  limit,
  db = defaultDb,
}: {
  scope: OrganisationScope;
  keys: KeyScope;
  from: Date;
  limit: number;
  db?: Executor;
}) {
  const total = sql<number>`sum(${keyUsageHourly.success} + ${keyUsageHourly.denied} + ${keyUsageHourly.rateLimited})::int`;
  const rows = await db
    .select({
      key: {
        id: apiKeys.id,
        name: apiKeys.name,
        kind: apiKeys.kind,
        prefix: apiKeys.prefix,
        lastFour: apiKeys.lastFour,
        status: apiKeys.status,
        lastUsedAt: apiKeys.lastUsedAt,
      },
      total,
      success: sql<number>`sum(${keyUsageHourly.success})::int`,
      denied: sql<number>`sum(${keyUsageHourly.denied})::int`,
      rateLimited: sql<number>`sum(${keyUsageHourly.rateLimited})::int`,
    })
    .from(keyUsageHourly)
    .innerJoin(apiKeys, eq(apiKeys.id, keyUsageHourly.keyId))
    .where(
      and(
        gte(keyUsageHourly.hour, from),
        usageScope(scope),
        or(eq(apiKeys.kind, 'personal'), and(eq(apiKeys.kind, 'integration'), keyScopeCondition(keys))),
      ),
    )
    .groupBy(apiKeys.id)
    .orderBy(desc(total), asc(apiKeys.name))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    total: Number(r.total),
    success: Number(r.success),
    denied: Number(r.denied),
    rateLimited: Number(r.rateLimited),
  }));
}

/** One page of a key's recent requests, newest first. */
export async function listAccessLog({
  keyId,
  page,
  limit,
  db = defaultDb,
}: {
  keyId: string;
  page: number;
  limit: number;
  db?: Executor;
}) {
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(keyAccessLog)
      .where(eq(keyAccessLog.keyId, keyId))
      .orderBy(desc(keyAccessLog.at), desc(keyAccessLog.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(keyAccessLog).where(eq(keyAccessLog.keyId, keyId)),
  ]);
  return { rows, total: Number(total) };
}

/**
 * Requests of one key since `from`, split by secret: those made with a rotation's previous secret and
 * the rest (the current one). Hourly counters, so "the last hour" is the current and previous clock hour.
 */
export async function sumRequestsBySecret({
  keyId,
  from,
  db = defaultDb,
}: {
  keyId: string;
  from: Date;
  db?: Executor;
}): Promise<{ current: number; previous: number }> {
  const [row] = await db
    .select({
      total: sql<number>`coalesce(sum(${keyUsageHourly.success} + ${keyUsageHourly.denied} + ${keyUsageHourly.rateLimited}), 0)::int`,
      previous: sql<number>`coalesce(sum(${keyUsageHourly.previousSecret}), 0)::int`,
    })
    .from(keyUsageHourly)
    .where(and(eq(keyUsageHourly.keyId, keyId), gte(keyUsageHourly.hour, from)));
  const total = Number(row?.total ?? 0);
  const previous = Number(row?.previous ?? 0);
  return { current: total - previous, previous };
}
