import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { customers } from './customers';
import { organisations } from './organisations';

/** A person, usually at a customer. */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull().default(''),
    email: text('email'),
    phone: text('phone'),
    title: text('title').notNull().default(''),
    ...timestamps,
  },
  (t) => [index('contacts_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type Contact = typeof contacts.$inferSelect;
