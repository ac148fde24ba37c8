import { z } from 'zod';

/** GET /crm/analytics/summary: counts over one tenant's records. */
export const analyticsSummarySchema = z.object({
  organisation_id: z.uuid(),
  customers: z.object({ total: z.number().int(), active: z.number().int() }),
  contacts: z.object({ total: z.number().int() }),
  leads: z.object({ total: z.number().int(), by_status: z.record(z.string(), z.number().int()) }),
  calls: z.object({ total: z.number().int(), last_30_days: z.number().int() }),
  services: z.object({ total: z.number().int(), active: z.number().int() }),
  inventory: z.object({ items: z.number().int(), quantity: z.number().int() }),
});
export type AnalyticsSummary = z.output<typeof analyticsSummarySchema>;
