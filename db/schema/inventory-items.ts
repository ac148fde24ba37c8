import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations } from './organisations';

export const inventoryStatuses = ['in_stock', 'reserved', 'deployed', 'retired'] as const;

/** Stock and equipment (routers, SIMs, handsets). SKUs are unique within an organisation. */
export const inventoryItems = pgTable(
  'inventory_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull().default(0),
    location: text('location').notNull().default(''),
    status: text('status', { enum: inventoryStatuses }).notNull().default('in_stock'),
    ...timestamps,
  },
  (t) => [
    index('inventory_items_org_created_idx').on(t.organisationId, t.createdAt, t.id),
    uniqueIndex('inventory_items_org_sku_unique').on(t.organisationId, t.sku),
  ],
);

export type InventoryItem = typeof inventoryItems.$inferSelect;
