import { z } from 'zod';
import {
  emailField,
  pageSchema,
  phoneField,
  recordShape,
  referenceField,
  requiredText,
  text,
  updateSchemaFrom,
} from './crm';

export const createContactSchema = z.strictObject({
  customer_id: referenceField('customer_id').optional(),
  first_name: requiredText('First name', 100),
  last_name: text('Last name', 100).optional(),
  email: emailField.optional(),
  phone: phoneField.optional(),
  title: text('Title', 100).optional(),
});
export const updateContactSchema = updateSchemaFrom(createContactSchema);

export const contactSchema = z.object({
  ...recordShape,
  customer_id: z.uuid().nullable(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string(),
});
export const contactListSchema = pageSchema(contactSchema);
