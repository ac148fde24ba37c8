import { boolean, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

/** An organisation is a tenant of the CRM: every record, user and key belongs to one. */
export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  /** "API access for non-admins": admins always have API access; users only when this is on. */
  apiAccessForNonAdmins: boolean('api_access_for_non_admins').notNull().default(false),
  /** Key policy: every integration key must have an expiry date… */
  keysMustExpire: boolean('keys_must_expire').notNull().default(false),
  /** …no further than this many days after it is set (null: no maximum). */
  keyMaxLifetimeDays: integer('key_max_lifetime_days'),
  ...timestamps,
});

export type Organisation = typeof organisations.$inferSelect;
export type NewOrganisation = typeof organisations.$inferInsert;
