import { z } from 'zod';
import { leadStatuses } from '@/db/schema/leads';
import {
  centsField,
  emailField,
  pageSchema,
  phoneField,
  recordShape,
  requiredText,
  text,
  updateSchemaFrom,
} from './crm';

export const createLeadSchema = z.strictObject({
  name: requiredText('Name'),
  company: text('Company').optional(),
  email: emailField.optional(),
  phone: phoneField.optional(),
  source: text('Source', 100).optional(),
  status: z.enum(leadStatuses, { error: `Status is one of: ${leadStatuses.join(', ')}.` }).optional(),
  value_cents: centsField.optional(),
});
export const updateLeadSchema = updateSchemaFrom(createLeadSchema);

export const leadSchema = z.object({
  ...recordShape,
  name: z.string(),
  company: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  source: z.string(),
  status: z.enum(leadStatuses),
  value_cents: z.number().int(),
});
export const leadListSchema = pageSchema(leadSchema);
