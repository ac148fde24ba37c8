import { z } from 'zod';

/**
 * Building blocks shared by the CRM resources' schemas (customers, contacts, leads, calls, services,
 * inventory). Request fields and responses are snake_case, as everywhere in the HTTP API.
 */

/** ?page=&limit= on every list; 100 rows at most per page. */
export const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const text = (label: string, max = 200) =>
  z
    .string({ error: `${label} must be text.` })
    .trim()
    .max(max, `Keep ${label.toLowerCase()} under ${max} characters.`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), {
      message: `${label} cannot contain control characters.`,
    })
    // The same rule for the OpenAPI document (a refinement is invisible to it).
    .meta({ pattern: NO_CONTROL_CHARACTERS });

/** JSON Schema pattern: no control characters except tab, line feed and carriage return. */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';

export const requiredText = (label: string, max = 200) =>
  text(label, max).min(1, `Enter ${label.toLowerCase()}.`);

export const emailField = z.email({ error: 'Enter a valid e-mail address.' }).max(320).nullable();
export const phoneField = z
  .string({ error: 'Enter a phone number.' })
  .trim()
  .regex(/^\+?[0-9 ().-]{3,30}$/, 'Enter a phone number (digits, spaces, + ( ) . -).')
  .nullable();
export const referenceField = (label: string) => z.uuid({ error: `${label} must be an id.` }).nullable();
export const centsField = z
  .number({ error: 'Enter an amount in cents.' })
  .int('Enter a whole number of cents.')
  .min(0, 'The amount cannot be negative.')
  .max(1e13, 'The amount is too large.');
export const dateTimeField = z.iso.datetime({ offset: true, error: 'Enter an ISO 8601 date-time.' });

/** An update changes any subset of a create's fields, and at least one. */
export function updateSchemaFrom<S extends z.ZodObject>(create: S) {
  return create
    .partial()
    .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Change at least one field.' })
    .meta({ minProperties: 1 });
}

/** The fields every CRM record carries in responses. */
export const recordShape = {
  id: z.uuid(),
  organisation_id: z.uuid(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
};

/** A page of records: `{ data, page, limit, total, pages }`. */
export function pageSchema<S extends z.ZodType>(item: S) {
  return z.object({
    data: z.array(item),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    pages: z.number().int(),
  });
}
