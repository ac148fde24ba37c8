import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { utc } from './columns';

/**
 * Counters of the throttles (lib/rate-limit.ts), shared by every instance on this database. The
 * columns are the ones rate-limiter-flexible's Drizzle store reads and writes (key, points, expire):
 * one row per limiter and subject ("sign-in:acct-addr:<hash>"), reset when `expire` has passed and
 * deleted by the store's own sweep an hour after. UNLOGGED (migration 0016, which drizzle's table
 * builder cannot say): a counted request's commit waits for no WAL flush; a crash empties the table.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull(),
  expire: utc('expire'),
});

export type RateLimitRow = typeof rateLimits.$inferSelect;
