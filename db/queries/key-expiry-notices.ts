import 'server-only';
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { apiKeyExpiryNotices, apiKeys } from '@/db/schema';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Live integration keys that have crossed a notice (`daysBefore`, e.g. [7, 1]) of their current expiry
 * and not been sent it. Each key is due for one notice at a time: the nearest one it has crossed (a
 * key first seen 12 hours before expiry gets the 1-day notice, not both). Oldest expiry first.
 */
export async function findKeysDueExpiryNotice({
  now,
  daysBefore,
  limit,
  db = defaultDb,
}: {
  now: Date;
  daysBefore: readonly number[];
  limit: number;
  db?: Executor;
}): Promise<{ id: string; expiresAt: Date; daysBefore: number }[]> {
  const ascending = [...daysBefore].sort((a, b) => a - b);
  if (ascending.length === 0) return [];
  const horizon = new Date(now.getTime() + ascending[ascending.length - 1] * DAY_MS);
  // Raw fragments get ISO strings: postgres-js does not serialise Date parameters outside columns.
  const notice = sql<number>`(case ${sql.join(
    ascending.map(
      (d) =>
        sql`when ${apiKeys.expiresAt} <= ${new Date(now.getTime() + d * DAY_MS).toISOString()}::timestamptz then ${d}::int`,
    ),
    sql` `,
  )} end)`;
  const rows = await db
    .select({ id: apiKeys.id, expiresAt: apiKeys.expiresAt, daysBefore: notice })
    .from(apiKeys)
    .where(
      and(
        // The partial index api_keys_expiry_notice_idx: live integration keys by expiry.
        eq(apiKeys.kind, 'integration'),
        eq(apiKeys.status, 'active'),
        sql`${apiKeys.expiresAt} is not null`,
        gt(apiKeys.expiresAt, now),
        lte(apiKeys.expiresAt, horizon),
        sql`not exists (select 1 from ${apiKeyExpiryNotices} n
          where n.api_key_id = ${apiKeys.id} and n.expires_at = ${apiKeys.expiresAt} and n.days_before = ${notice})`,
      ),
    )
    .orderBy(asc(apiKeys.expiresAt))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, expiresAt: r.expiresAt!, daysBefore: Number(r.daysBefore) }));
}

/**
 * Claim one notice: true for exactly one caller, however many instances try at once (a concurrent
 * insert of the same row waits for the first one's transaction, then does nothing).
 */
export async function claimExpiryNotice({
  apiKeyId,
  daysBefore,
  expiresAt,
  db = defaultDb,
}: {
  apiKeyId: string;
  daysBefore: number;
  expiresAt: Date;
  db?: Executor;
}): Promise<boolean> {
  const rows = await db
    .insert(apiKeyExpiryNotices)
    .values({ apiKeyId, daysBefore, expiresAt })
    .onConflictDoNothing()
    .returning({ apiKeyId: apiKeyExpiryNotices.apiKeyId });
  return rows.length === 1;
}

/**
 * Notices about expiries that passed a day ago by the database's clock: such an expiry can never be
 * due again (only future expiries are). Not the sweep's `now`, which a test may set in the future.
 */
export async function pruneExpiryNotices({ db = defaultDb }: { db?: Executor } = {}) {
  await db
    .delete(apiKeyExpiryNotices)
    .where(sql`${apiKeyExpiryNotices.expiresAt} < now() - interval '1 day'`);
}

/** The notices sent about one key (tests and support). */
export async function listExpiryNotices({ apiKeyId, db = defaultDb }: { apiKeyId: string; db?: Executor }) {
  return db
    .select()
    .from(apiKeyExpiryNotices)
    .where(eq(apiKeyExpiryNotices.apiKeyId, apiKeyId))
    .orderBy(asc(apiKeyExpiryNotices.sentAt));
}
