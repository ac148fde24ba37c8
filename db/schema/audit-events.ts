import { bigserial, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { utc } from './columns';

export const auditActorTypes = ['user', 'key', 'system'] as const;
export type AuditActorType = (typeof auditActorTypes)[number];

/** A before/after pair per changed field. Never holds a secret. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/**
 * Append-only record of every change to keys, settings and access. No foreign keys on purpose:
 * the trail outlives the keys, users and organisations it mentions. A trigger (see the migration)
 * refuses UPDATE and DELETE.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: utc('occurred_at').notNull().defaultNow(),
    organisationId: uuid('organisation_id'),
    actorType: text('actor_type', { enum: auditActorTypes }).notNull(),
    actorId: text('actor_id'),
    /** The user's e-mail or the key's visible identifier, as it was at the time. */
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    targetLabel: text('target_label'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    changes: jsonb('changes').$type<AuditChanges>(),
  },
  (t) => [
    index('audit_events_org_time_idx').on(t.organisationId, t.occurredAt),
    index('audit_events_target_idx').on(t.targetType, t.targetId, t.occurredAt),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
