import { z } from 'zod';

/** GET /crm/health: database reachability. */
export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  database: z.literal('up'),
  latency_ms: z.number().int().min(0).meta({ description: 'Time to reach the database.' }),
});

/** GET /crm/health/ready: this instance may take traffic. */
export const readinessResponseSchema = z.object({
  status: z.literal('ready'),
  database: z.literal('up'),
  migrations: z.literal('applied').meta({ description: 'Every migration this build ships is applied.' }),
  latency_ms: z.number().int().min(0).meta({ description: 'Time to reach the database.' }),
});

/** GET /crm/health/live: the process answers. */
export const livenessResponseSchema = z.object({
  status: z.literal('live'),
  uptime_s: z.number().int().min(0).meta({ description: 'Seconds since the process started.' }),
});
