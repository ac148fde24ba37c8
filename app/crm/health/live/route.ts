import { withoutKey } from '@/lib/api/with-key';
import { livenessResponseSchema } from '@/lib/validation/health';

export const dynamic = 'force-dynamic';

// GET /crm/health/live — the process answers; never asks the database (a restart would not fix it)
export const GET = withoutKey(() =>
  Response.json(livenessResponseSchema.parse({ status: 'live', uptime_s: Math.floor(process.uptime()) })),
);
