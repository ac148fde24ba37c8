import { integer, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { utc } from './columns';
import { apiKeys } from './api-keys';

/**
 * The api_key.expiring notices already sent: one row per key, notice (7 or 1 days before) and expiry.
 * The sweep claims a row (INSERT … ON CONFLICT DO NOTHING) in the transaction that queues the
 * event, so each notice goes out once however many instances sweep at the same moment; a key whose
 * expiry is changed has a new expires_at, hence no row yet, and earns its notices again.
 */
export const apiKeyExpiryNotices = pgTable(
  'api_key_expiry_notices',
  {
    apiKeyId: uuid('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    daysBefore: integer('days_before').notNull(),
    /** The expiry this notice was about. */
    expiresAt: utc('expires_at').notNull(),
    sentAt: utc('sent_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.daysBefore, t.expiresAt] })],
);

export type ApiKeyExpiryNotice = typeof apiKeyExpiryNotices.$inferSelect;
