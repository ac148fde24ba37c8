import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps, utc } from './columns';
import { customers } from './customers';
import { organisations } from './organisations';

export const serviceStatuses = ['pending', 'active', 'suspended', 'cancelled'] as const;

/** A service sold to a customer (a line, a circuit, a plan). */
export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    plan: text('plan').notNull().default(''),
    status: text('status', { enum: serviceStatuses }).notNull().default('pending'),
    monthlyPriceCents: bigint('monthly_price_cents', { mode: 'number' }).notNull().default(0),
    startedAt: utc('started_at'),
    ...timestamps,
  },
  (t) => [index('services_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type Service = typeof services.$inferSelect;
