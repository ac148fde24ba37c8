import { boolean, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations } from './organisations';

export const integrationKinds = [
  'billing',
  'telephony',
  'email',
  'messaging',
  'erp',
  'ticketing',
  'other',
] as const;

/** Plain settings only: the API refuses anything that looks like a secret (lib/validation/integrations.ts). */
export type IntegrationSettings = Record<string, string | number | boolean | null>;

/** A system connected to the organisation's CRM (a billing platform, a phone system, …). */
export const integrations = pgTable(
  'integrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: integrationKinds }).notNull(),
    settings: jsonb('settings').$type<IntegrationSettings>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    ...timestamps,
  },
  (t) => [index('integrations_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type Integration = typeof integrations.$inferSelect;
