import 'server-only';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { rowsOf } from '@/db/rows';
import {
  apiKeys,
  users,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhooks,
  type Webhook,
  type WebhookDisabledReason,
} from '@/db/schema';

/** The active subscriptions one change goes to (partial index webhooks_match_idx). */
export async function findMatchingWebhooks({
  organisationId,
  entity,
  operation,
  db = defaultDb,
}: {
  organisationId: string;
  entity: string;
  operation: string;
  db?: Executor;
}) {
  return db
    .select({ id: webhooks.id, apiKeyId: webhooks.apiKeyId, url: webhooks.url })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.organisationId, organisationId),
        eq(webhooks.entity, entity),
        eq(webhooks.operation, operation),
        eq(webhooks.status, 'active'),
      ),
    );
}

export async function insertDeliveries({
  rows,
  db = defaultDb,
}: {
  rows: { webhookId: string; eventId: string; eventType: string; body: string; orderKey: string | null }[];
  db?: Executor;
}) {
  if (rows.length === 0) return;
  await db.insert(webhookDeliveries).values(rows);
}

/**
 * The database's clock, to the microsecond, as an ISO 8601 string: the time of a change. One clock
 * for every app instance, read after the change's write, so for one record it never goes backwards.
 */
export async function readDatabaseClock({ db = defaultDb }: { db?: Executor } = {}): Promise<string> {
  const result = await db.execute(
    sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`,
  );
  return rowsOf<{ now: string }>(result)[0].now;
}

export type ClaimedDelivery = {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  body: string;
  /** Including the one now being made. */
  attempts: number;
};

/**
 * Claim due deliveries for this worker: FOR UPDATE SKIP LOCKED so concurrent workers (other app
 * instances) never take the same row, and a lease (next_attempt_at pushed to leaseUntil) so the row
 * is not held locked during the HTTP call. If this process dies mid-delivery the lease runs out and
 * another worker retries it: deliveries are at least once, never lost.
 *
 * In order per record and receiver: a delivery is not claimed while an older one with the same
 * order_key is still pending — waiting for its retry, or claimed and in flight, here or in another
 * instance. Deliveries only ever leave 'pending', so once the older one is done (delivered, given
 * up, cancelled) and committed, the next is claimable, and never before.
 */
export async function claimDueDeliveries({
  now,
  leaseUntil,
  limit,
  skipWebhookIds = [],
  db = defaultDb,
}: {
  now: Date;
  leaseUntil: Date;
  limit: number;
  /** Subscriptions this worker will not take more of now (their receiver already has enough in flight). */
  skipWebhookIds?: string[];
  db?: Executor;
}): Promise<ClaimedDelivery[]> {
  const skip = skipWebhookIds.length
    ? sql`and d.webhook_id not in (${sql.join(
        skipWebhookIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  // Raw fragments get ISO strings: postgres-js does not serialise Date parameters outside columns.
  const result = await db.execute(sql`
    with due as (
      select d.id from webhook_deliveries d
      where d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz ${skip}
        and (d.order_key is null or not exists (
          select 1 from webhook_deliveries older
          where older.order_key = d.order_key and older.status = 'pending' and older.seq < d.seq))
      order by d.next_attempt_at, d.seq
      limit ${limit}
      for update of d skip locked
    )
    update webhook_deliveries d
    set next_attempt_at = ${leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1
    from due where d.id = due.id
    returning d.id, d.webhook_id, d.event_id, d.event_type, d.body, d.attempts`);
  return rowsOf<{
    id: string;
    webhook_id: string;
    event_id: string;
    event_type: string;
    body: string;
    attempts: number;
  }>(result).map((r) => ({
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    body: r.body,
    attempts: Number(r.attempts),
  }));
}

export async function findWebhooksByIds({ ids, db = defaultDb }: { ids: string[]; db?: Executor }) {
  if (ids.length === 0) return new Map<string, Webhook>();
  const rows = await db.select().from(webhooks).where(inArray(webhooks.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function recordDeliveryAttempt({
  attempt,
  db = defaultDb,
}: {
  attempt: typeof webhookDeliveryAttempts.$inferInsert;
  db?: Executor;
}) {
  await db.insert(webhookDeliveryAttempts).values(attempt);
}

export async function updateDelivery({
  id,
  patch,
  onlyIfPending = false,
  db = defaultDb,
}: {
  id: string;
  patch: Partial<typeof webhookDeliveries.$inferInsert>;
  /** Leave it alone if it left 'pending' meanwhile (cancelled while its attempt was in flight). */
  onlyIfPending?: boolean;
  db?: Executor;
}) {
  await db
    .update(webhookDeliveries)
    .set(patch)
    .where(
      onlyIfPending
        ? and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending'))
        : eq(webhookDeliveries.id, id),
    );
}

/** Stop what is still queued for some subscriptions (paused, switched off, key cleared). */
export async function cancelPendingDeliveries({
  webhookIds,
  reason,
  db = defaultDb,
}: {
  webhookIds: string[];
  reason: string;
  db?: Executor;
}): Promise<number> {
  if (webhookIds.length === 0) return 0;
  const rows = await db
    .update(webhookDeliveries)
    .set({ status: 'cancelled', lastError: reason })
    .where(and(inArray(webhookDeliveries.webhookId, webhookIds), eq(webhookDeliveries.status, 'pending')))
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}

/** After an attempt: counters, and whether the subscription has now failed long enough to switch off. */
export async function recordWebhookOutcome({
  id,
  ok,
  at,
  db = defaultDb,
}: {
  id: string;
  ok: boolean;
  at: Date;
  db?: Executor;
}) {
  const [row] = await db
    .update(webhooks)
    .set(
      ok
        ? { consecutiveFailures: 0, failingSince: null, lastDeliveryAt: at, lastSuccessAt: at }
        : {
            consecutiveFailures: sql`${webhooks.consecutiveFailures} + 1`,
            failingSince: sql`coalesce(${webhooks.failingSince}, ${at.toISOString()}::timestamptz)`,
            lastDeliveryAt: at,
          },
    )
    .where(eq(webhooks.id, id))
    .returning();
  return row ?? null;
}

export async function setWebhookStatusRow({
  id,
  status,
  disabledReason = null,
  resetFailures = false,
  db = defaultDb,
}: {
  id: string;
  status: Webhook['status'];
  disabledReason?: WebhookDisabledReason | null;
  resetFailures?: boolean;
  db?: Executor;
}) {
  const [row] = await db
    .update(webhooks)
    .set({
      status,
      disabledReason,
      updatedAt: new Date(),
      ...(resetFailures ? { consecutiveFailures: 0, failingSince: null } : {}),
    })
    .where(eq(webhooks.id, id))
    .returning();
  return row ?? null;
}

/** Switch off every subscription of a key (its key was cleared); returns their ids. */
export async function disableWebhooksOfKey({
  apiKeyId,
  reason,
  db = defaultDb,
}: {
  apiKeyId: string;
  reason: WebhookDisabledReason;
  db?: Executor;
}): Promise<string[]> {
  const rows = await db
    .update(webhooks)
    .set({ status: 'disabled', disabledReason: reason, updatedAt: new Date() })
    .where(and(eq(webhooks.apiKeyId, apiKeyId), inArray(webhooks.status, ['active', 'paused'])))
    .returning({ id: webhooks.id });
  return rows.map((r) => r.id);
}

/** One subscription with the key it belongs to (owner and organisation), optionally locked. */
export async function findWebhookWithKey({
  id,
  forUpdate = false,
  db = defaultDb,
}: {
  id: string;
  forUpdate?: boolean;
  db?: Executor;
}) {
  const query = db
    .select({
      webhook: webhooks,
      key: {
        id: apiKeys.id,
        kind: apiKeys.kind,
        status: apiKeys.status,
        userId: apiKeys.userId,
        organisationId: apiKeys.organisationId,
        allTenants: apiKeys.allTenants,
        permissions: apiKeys.permissions,
        expiresAt: apiKeys.expiresAt,
      },
      /** A personal key's user: whose role decides who may manage the webhook (lib/access.ts). */
      owner: { id: users.id, organisationId: users.organisationId, role: users.role },
    })
    .from(webhooks)
    .innerJoin(apiKeys, eq(apiKeys.id, webhooks.apiKeyId))
    .leftJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(webhooks.id, id))
    .limit(1);
  const [row] = forUpdate ? await query.for('update', { of: webhooks }) : await query;
  return row ?? null;
}

export async function listWebhooksOfKeys({
  apiKeyIds,
  db = defaultDb,
}: {
  apiKeyIds: string[];
  db?: Executor;
}) {
  if (apiKeyIds.length === 0) return [];
  return db
    .select()
    .from(webhooks)
    .where(inArray(webhooks.apiKeyId, apiKeyIds))
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id));
}

export async function countWebhooksOfKey({ apiKeyId, db = defaultDb }: { apiKeyId: string; db?: Executor }) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(webhooks)
    .where(eq(webhooks.apiKeyId, apiKeyId));
  return Number(row.n);
}

export async function insertWebhook({
  values,
  db = defaultDb,
}: {
  values: typeof webhooks.$inferInsert;
  db?: Executor;
}) {
  const [row] = await db.insert(webhooks).values(values).returning();
  return row;
}

export async function deleteWebhookRow({ id, db = defaultDb }: { id: string; db?: Executor }) {
  await db.delete(webhooks).where(eq(webhooks.id, id));
}

/** One delivery attempt as the pages and GET /crm/webhooks/{id}/deliveries show it. */
export type DeliveryAttemptView = {
  deliveryId: string;
  eventType: string;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
};

/** The last few attempts of each subscription, newest first ("last deliveries"). */
export async function findRecentAttempts({
  webhookIds,
  perWebhook = 5,
  db = defaultDb,
}: {
  webhookIds: string[];
  perWebhook?: number;
  db?: Executor;
}) {
  const map = new Map<string, DeliveryAttemptView[]>();
  if (webhookIds.length === 0) return map;
  const list = sql.join(
    webhookIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const result = await db.execute(sql`
    select a.webhook_id, a.delivery_id, d.event_type, a.attempt, a.attempted_at, a.status_code, a.error, a.duration_ms
    from (
      select *, row_number() over (partition by webhook_id order by attempted_at desc, id desc) as rn
      from webhook_delivery_attempts where webhook_id in (${list})
    ) a
    join webhook_deliveries d on d.id = a.delivery_id
    where a.rn <= ${perWebhook}
    order by a.webhook_id, a.attempted_at desc, a.id desc`);
  for (const r of rowsOf<{
    webhook_id: string;
    delivery_id: string;
    event_type: string;
    attempt: number;
    attempted_at: string | Date;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
  }>(result)) {
    const entry = map.get(r.webhook_id) ?? [];
    entry.push({
      deliveryId: r.delivery_id,
      eventType: r.event_type,
      attempt: Number(r.attempt),
      attemptedAt: new Date(r.attempted_at),
      statusCode: r.status_code === null ? null : Number(r.status_code),
      error: r.error,
      durationMs: Number(r.duration_ms),
    });
    map.set(r.webhook_id, entry);
  }
  return map;
}

/** Delivered and given-up deliveries older than the cut-off go (their attempts with them). */
export async function pruneFinishedDeliveries({ before, db = defaultDb }: { before: Date; db?: Executor }) {
  const rows = await db
    .delete(webhookDeliveries)
    .where(
      and(
        inArray(webhookDeliveries.status, ['delivered', 'failed', 'cancelled']),
        sql`${webhookDeliveries.createdAt} < ${before.toISOString()}::timestamptz`,
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}
