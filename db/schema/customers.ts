import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations } from './organisations';

export const customerStatuses = ['prospect', 'active', 'inactive'] as const;

/** A customer account of one organisation (tenant). */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    status: text('status', { enum: customerStatuses }).notNull().default('active'),
    notes: text('notes').notNull().default(''),
    ...timestamps,
  },
  (t) => [index('customers_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type Customer = typeof customers.$inferSelect;
