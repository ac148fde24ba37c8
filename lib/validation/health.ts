import { z } from 'zod';

/** GET /crm/health: database reachability. */
export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  database: z.literal('up'),
  latency_ms: z.number().int().min(0).meta({ description: 'Time to reach the database.' }),
});
