import { sql } from 'drizzle-orm';
import { bigserial, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps, utc } from './columns';
import { apiKeys } from './api-keys';
import { organisations } from './organisations';

export const webhookStatuses = ['active', 'paused', 'disabled'] as const;
export type WebhookStatus = (typeof webhookStatuses)[number];

/** Why a subscription is off when nobody paused it: it kept failing, its key was cleared, or the receiver said 410 Gone. */
export const webhookDisabledReasons = ['failing', 'key_cleared', 'gone'] as const;
export type WebhookDisabledReason = (typeof webhookDisabledReasons)[number];

/**
 * A REST-hook subscription: POST the events of one entity and operation of one organisation to a URL.
 * It belongs to the API key that registered it (a personal key or an integration key), and does what
 * that key may do: when the key is cleared, revoked or loses its powers, its subscriptions stop.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The tenant whose changes are sent. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    apiKeyId: uuid('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    entity: text('entity').notNull(),
    operation: text('operation').notNull(),
    /**
     * The HMAC-SHA256 signing secret. Unlike an API key it cannot be stored as a hash: we must be able
     * to sign with it. It is shown once, in the answer to the subscription's creation, and never again
     * (not in lists, pages, logs or the audit trail).
     */
    signingSecret: text('signing_secret').notNull(),
    status: text('status', { enum: webhookStatuses }).notNull().default('active'),
    disabledReason: text('disabled_reason', { enum: webhookDisabledReasons }),
    /** Failed attempts in a row, over all deliveries; reset by a success or a resume. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** When the current run of failures began; null while deliveries succeed. */
    failingSince: utc('failing_since'),
    lastDeliveryAt: utc('last_delivery_at'),
    lastSuccessAt: utc('last_success_at'),
    ...timestamps,
  },
  (t) => [
    // The lookup done inside every entity change: the active subscriptions of (tenant, entity, operation).
    index('webhooks_match_idx')
      .on(t.organisationId, t.entity, t.operation)
      .where(sql`${t.status} = 'active'`),
    index('webhooks_api_key_idx').on(t.apiKeyId),
  ],
);

export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/**
 * The durable delivery queue: one row per (change, subscription), written in the transaction of the
 * change, so a delivery exists if and only if the change committed. Workers claim due rows with
 * FOR UPDATE SKIP LOCKED and a lease (next_attempt_at moves forward while a delivery is in flight),
 * so several app instances share the queue and a crash mid-delivery only delays a retry.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** Also the X-Webhook-Id header: the same on every retry, so receivers can drop duplicates. */
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The change: one event id shared by every subscription that receives it. */
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The exact JSON body that is signed and sent, identical on every attempt. */
    body: text('body').notNull(),
    status: text('status', { enum: webhookDeliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: utc('next_attempt_at').notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: utc('delivered_at'),
    createdAt: utc('created_at').notNull().defaultNow(),
    /**
     * Queue order. Taken when the change's transaction writes the row, after the change itself, so
     * for one record it follows the commit order (a second change to the record waits for the
     * first one's row lock).
     */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /**
     * Deliveries with the same key go out one at a time, in seq order: a hash of the receiver URL and
     * the record (entity and id), so one receiver gets each record's events in the order they
     * happened, across its subscriptions (one per operation). Null: no order to keep.
     */
    orderKey: text('order_key'),
  },
  (t) => [
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    // "Is an older delivery of this record to this receiver still pending?", asked for every claim.
    index('webhook_deliveries_order_idx')
      .on(t.orderKey, t.seq)
      .where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
  ],
);

/** Every attempt at a delivery, for "last deliveries": when, the HTTP status or the error, how long. */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    attemptedAt: utc('attempted_at').notNull().defaultNow(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [
    index('webhook_delivery_attempts_webhook_idx').on(t.webhookId, t.attemptedAt),
    index('webhook_delivery_attempts_delivery_idx').on(t.deliveryId),
  ],
);

export type Webhook = typeof webhooks.$inferSelect;
export type NewWebhook = typeof webhooks.$inferInsert;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookDeliveryAttempt = typeof webhookDeliveryAttempts.$inferSelect;
