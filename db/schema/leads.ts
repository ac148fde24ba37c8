import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations } from './organisations';

export const leadStatuses = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;

/** A sales lead: someone who may become a customer. */
export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    company: text('company').notNull().default(''),
    email: text('email'),
    phone: text('phone'),
    source: text('source').notNull().default(''),
    status: text('status', { enum: leadStatuses }).notNull().default('new'),
    /** Expected value in cents (integers: no floating-point money). */
    valueCents: bigint('value_cents', { mode: 'number' }).notNull().default(0),
    ...timestamps,
  },
  (t) => [index('leads_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type Lead = typeof leads.$inferSelect;
