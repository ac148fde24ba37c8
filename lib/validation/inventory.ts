import { z } from 'zod';
import { inventoryStatuses } from '@/db/schema/inventory-items';
import { pageSchema, recordShape, requiredText, text, updateSchemaFrom } from './crm';

export const createInventoryItemSchema = z.strictObject({
  sku: requiredText('SKU', 64),
  name: requiredText('Name'),
  quantity: z
    .number({ error: 'Enter a quantity.' })
    .int('Enter a whole number.')
    .min(0, 'The quantity cannot be negative.')
    .max(1_000_000_000, 'The quantity is too large.')
    .optional(),
  location: text('Location', 100).optional(),
  status: z
    .enum(inventoryStatuses, { error: `Status is one of: ${inventoryStatuses.join(', ')}.` })
    .optional(),
});
export const updateInventoryItemSchema = updateSchemaFrom(createInventoryItemSchema);

export const inventoryItemSchema = z.object({
  ...recordShape,
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  location: z.string(),
  status: z.enum(inventoryStatuses),
});
export const inventoryItemListSchema = pageSchema(inventoryItemSchema);
