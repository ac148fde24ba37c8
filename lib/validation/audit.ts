import { z } from 'zod';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 24 * 60 * 60 * 1000;

function isRealDay(value: string): boolean {
  if (!DATE_ONLY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** "YYYY-MM-DD" (a UTC day) or empty. */
const daySchema = (label: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || isRealDay(v), { message: `Enter the ${label} date as YYYY-MM-DD.` });

/** The audit log's filters, as the page's query string and the CSV export take them. */
export const auditLogQuerySchema = z
  .object({
    actor: z.string().trim().max(200, 'Keep the actor under 200 characters.').default(''),
    action: z
      .string()
      .trim()
      .max(100)
      .regex(/^[a-z0-9_.]*$/, 'Choose an action from the list.')
      .default(''),
    /** A key's id, or part of its name or visible identifier. */
    target: z.string().trim().max(200, 'Keep the target under 200 characters.').default(''),
    from: daySchema('start'),
    to: daySchema('end'),
    page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, {
    message: 'The end date must not be before the start date.',
    path: ['to'],
  });
export type AuditLogQuery = z.output<typeof auditLogQuerySchema>;

/** The filter in the form the queries take: whole UTC days, the end day included. */
export function auditFilterFrom(query: AuditLogQuery) {
  return {
    actor: query.actor || undefined,
    action: query.action || undefined,
    target: query.target || undefined,
    from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
    before: query.to ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY) : undefined,
  };
}
export type AuditFilter = ReturnType<typeof auditFilterFrom>;
