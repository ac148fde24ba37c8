import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc } from './columns';

/**
 * Replays of create requests sent with an Idempotency-Key header. One row per caller and key; the
 * stored response is AES-256-GCM encrypted (it may hold a new API key's secret) and kept 24 hours.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** "key:<api key id>" or "user:<user id>": the same header value from two callers never collides. */
    caller: text('caller').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of method, path and body: the same key with another request is a 409. */
    fingerprint: text('fingerprint').notNull(),
    /** Null while the first request is still running. */
    status: integer('status'),
    /** base64url(iv | tag | ciphertext) of the JSON response body. */
    response: text('response'),
    createdAt: utc('created_at').notNull().defaultNow(),
    expiresAt: utc('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
