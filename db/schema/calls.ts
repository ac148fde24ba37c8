import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps, utc } from './columns';
import { contacts } from './contacts';
import { customers } from './customers';
import { organisations } from './organisations';

export const callDirections = ['inbound', 'outbound'] as const;
export const callOutcomes = ['answered', 'missed', 'voicemail', 'busy'] as const;

/** A call record. */
export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    direction: text('direction', { enum: callDirections }).notNull(),
    phone: text('phone').notNull(),
    outcome: text('outcome', { enum: callOutcomes }).notNull().default('answered'),
    durationSeconds: integer('duration_seconds').notNull().default(0),
    notes: text('notes').notNull().default(''),
    occurredAt: utc('occurred_at').notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [index('calls_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type Call = typeof calls.$inferSelect;
