import { withoutKey } from '@/lib/api/with-key';
import { checkDatabase } from '@/lib/services/health';
import { healthResponseSchema } from '@/lib/validation/health';

export const dynamic = 'force-dynamic';

// GET /crm/health — database reachability; no key needed; 503 when the database is down
export const GET = withoutKey(async () => {
  const latency = await checkDatabase();
  return Response.json(healthResponseSchema.parse({ status: 'ok', database: 'up', latency_ms: latency }));
});
