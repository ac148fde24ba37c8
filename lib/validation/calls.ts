import { z } from 'zod';
import { callDirections, callOutcomes } from '@/db/schema/calls';
import { dateTimeField, pageSchema, recordShape, referenceField, text, updateSchemaFrom } from './crm';

export const createCallSchema = z.strictObject({
  customer_id: referenceField('customer_id').optional(),
  contact_id: referenceField('contact_id').optional(),
  direction: z.enum(callDirections, { error: 'Direction is inbound or outbound.' }),
  phone: z
    .string({ error: 'Enter the phone number.' })
    .trim()
    .regex(/^\+?[0-9 ().-]{3,30}$/, 'Enter a phone number (digits, spaces, + ( ) . -).'),
  outcome: z.enum(callOutcomes, { error: `Outcome is one of: ${callOutcomes.join(', ')}.` }).optional(),
  duration_seconds: z
    .number({ error: 'Enter the duration in seconds.' })
    .int('Enter whole seconds.')
    .min(0, 'The duration cannot be negative.')
    .max(7 * 24 * 3600, 'The duration is too long.')
    .optional(),
  notes: text('Notes', 2000).optional(),
  occurred_at: dateTimeField.optional(),
});
export const updateCallSchema = updateSchemaFrom(createCallSchema);

export const callSchema = z.object({
  ...recordShape,
  customer_id: z.uuid().nullable(),
  contact_id: z.uuid().nullable(),
  direction: z.enum(callDirections),
  phone: z.string(),
  outcome: z.enum(callOutcomes),
  duration_seconds: z.number().int(),
  notes: z.string(),
  occurred_at: z.iso.datetime({ offset: true }),
});
export const callListSchema = pageSchema(callSchema);
