import { z } from 'zod';
import { customerStatuses } from '@/db/schema/customers';
import { emailField, pageSchema, phoneField, recordShape, requiredText, text, updateSchemaFrom } from './crm';

export const createCustomerSchema = z.strictObject({
  name: requiredText('Name'),
  email: emailField.optional(),
  phone: phoneField.optional(),
  status: z.enum(customerStatuses, { error: `Status is one of: ${customerStatuses.join(', ')}.` }).optional(),
  notes: text('Notes', 2000).optional(),
});
export const updateCustomerSchema = updateSchemaFrom(createCustomerSchema);

export const customerSchema = z.object({
  ...recordShape,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.enum(customerStatuses),
  notes: z.string(),
});
export const customerListSchema = pageSchema(customerSchema);
