import { bigserial, index, integer, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { utc } from './columns';
import { apiKeys } from './api-keys';

/**
 * Requests per key and UTC hour, split by outcome. Written only by the usage flusher, in batches
 * (an upsert that adds to the counters), never once per request.
 */
export const keyUsageHourly = pgTable(
  'key_usage_hourly',
  {
    keyId: uuid('key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    /** The key's organisation, copied so organisation-wide charts need no join. */
    organisationId: uuid('organisation_id').notNull(),
    /** Start of the UTC hour. */
    hour: utc('hour').notNull(),
    success: integer('success').notNull().default(0),
    /** 401 and 403: the key was refused or lacked the permission. */
    denied: integer('denied').notNull().default(0),
    rateLimited: integer('rate_limited').notNull().default(0),
    /** Of these requests, those made with the previous secret during a rotation's overlap. */
    previousSecret: integer('previous_secret').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.keyId, t.hour] }),
    index('key_usage_hourly_org_hour_idx').on(t.organisationId, t.hour),
  ],
);

/**
 * The recent requests of each key, for the detail page. Bounded: the flusher prunes it to the newest
 * entries per key and to a maximum age. Never holds the key itself or a request body.
 */
export const keyAccessLog = pgTable(
  'key_access_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    keyId: uuid('key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    at: utc('at').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: smallint('status').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    latencyMs: integer('latency_ms').notNull(),
  },
  (t) => [index('key_access_log_key_at_idx').on(t.keyId, t.at), index('key_access_log_at_idx').on(t.at)],
);

export type KeyUsageHour = typeof keyUsageHourly.$inferSelect;
export type KeyAccessLogEntry = typeof keyAccessLog.$inferSelect;
export type NewKeyAccessLogEntry = typeof keyAccessLog.$inferInsert;

/**
 * Usage batches already written, by id, recorded in the batch's own transaction. A flush whose
 * COMMIT went through but whose answer was lost (the connection cut at that moment) is retried with
 * the same id and then skipped, so no count is added twice. Kept a day (pruned by the flusher).
 */
export const usageFlushes = pgTable('usage_flushes', {
  id: uuid('id').primaryKey(),
  flushedAt: utc('flushed_at').notNull().defaultNow(),
});
