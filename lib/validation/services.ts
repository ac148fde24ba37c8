import { z } from 'zod';
import { serviceStatuses } from '@/db/schema/services';
import {
  centsField,
  dateTimeField,
  pageSchema,
  recordShape,
  referenceField,
  requiredText,
  text,
  updateSchemaFrom,
} from './crm';

export const createServiceSchema = z.strictObject({
  customer_id: referenceField('customer_id').optional(),
  name: requiredText('Name'),
  plan: text('Plan', 100).optional(),
  status: z.enum(serviceStatuses, { error: `Status is one of: ${serviceStatuses.join(', ')}.` }).optional(),
  monthly_price_cents: centsField.optional(),
  started_at: dateTimeField.nullable().optional(),
});
export const updateServiceSchema = updateSchemaFrom(createServiceSchema);

export const serviceSchema = z.object({
  ...recordShape,
  customer_id: z.uuid().nullable(),
  name: z.string(),
  plan: z.string(),
  status: z.enum(serviceStatuses),
  monthly_price_cents: z.number().int(),
  started_at: z.iso.datetime({ offset: true }).nullable(),
});
export const serviceListSchema = pageSchema(serviceSchema);
