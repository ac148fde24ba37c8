import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { customers } from './customers';
import { organisations } from './organisations';
import { services } from './services';

export const provisioningActions = ['activate', 'suspend', 'resume', 'change_plan', 'terminate'] as const;
export const provisioningStates = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;

/**
 * A request to change a service on the network side (activate a line, suspend it, …). The service is
 * required when the request is made; if it is deleted later the request stays, as history.
 */
export const provisioningRequests = pgTable(
  'provisioning_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    serviceId: uuid('service_id').references(() => services.id, { onDelete: 'set null' }),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    action: text('action', { enum: provisioningActions }).notNull(),
    state: text('state', { enum: provisioningStates }).notNull().default('pending'),
    ...timestamps,
  },
  (t) => [index('provisioning_requests_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type ProvisioningRequest = typeof provisioningRequests.$inferSelect;
