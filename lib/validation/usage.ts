import { z } from 'zod';

export const USAGE_WINDOWS = ['24h', '7d', '30d'] as const;
export type UsageWindow = (typeof USAGE_WINDOWS)[number];

/*
 * A key's usage as lib/services/usage.ts reads it (what the pages draw and usageOutput turns into
 * JSON). Declared here, below the service, so the output mapping takes the service's type itself.
 */
export type UsageTotals = { success: number; denied: number; rateLimited: number; total: number };
export type UsagePoint = UsageTotals & { start: Date };
export type KeyUsage = {
  keyId: string;
  lastUsedAt: Date | null;
  window: UsageWindow;
  bucket: 'hour' | 'day';
  from: Date;
  to: Date;
  totals: UsageTotals;
  series: UsagePoint[];
};

export const usageQuerySchema = z.object({
  window: z.enum(USAGE_WINDOWS, { error: 'Choose a window: 24h, 7d or 30d.' }).default('24h'),
});

export const accessLogQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

const countsSchema = z.object({
  total: z.number().int(),
  success: z.number().int(),
  denied: z.number().int().meta({ description: 'Refused with 401 or 403.' }),
  rate_limited: z.number().int(),
});

/** GET /crm/api-keys/{id}/usage: totals of the window and one point per hour (24h) or day (7d, 30d). */
export const usageResponseSchema = z.object({
  key_id: z.uuid(),
  window: z.enum(USAGE_WINDOWS),
  bucket: z.enum(['hour', 'day']),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  totals: countsSchema,
  series: z.array(countsSchema.extend({ start: z.iso.datetime() })),
});

/** The JSON form of a key's usage: what GET /crm/api-keys/{id}/usage returns. */
export function usageOutput(usage: KeyUsage) {
  const counts = (c: UsageTotals) => ({
    total: c.total,
    success: c.success,
    denied: c.denied,
    rate_limited: c.rateLimited,
  });
  return usageResponseSchema.parse({
    key_id: usage.keyId,
    window: usage.window,
    bucket: usage.bucket,
    from: usage.from.toISOString(),
    to: usage.to.toISOString(),
    last_used_at: usage.lastUsedAt?.toISOString() ?? null,
    totals: counts(usage.totals),
    series: usage.series.map((p) => ({ start: p.start.toISOString(), ...counts(p) })),
  });
}
