import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations } from './organisations';

export const agentStatuses = ['active', 'away', 'inactive'] as const;

/** A support or sales agent of one organisation, and the team they work in. */
export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    team: text('team').notNull().default(''),
    status: text('status', { enum: agentStatuses }).notNull().default('active'),
    ...timestamps,
  },
  (t) => [index('agents_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type Agent = typeof agents.$inferSelect;
