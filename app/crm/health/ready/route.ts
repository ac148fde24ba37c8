import { withoutKey } from '@/lib/api/with-key';
import { AppError } from '@/lib/errors';
import { isDraining } from '@/lib/lifecycle';
import { checkReadiness } from '@/lib/services/health';
import { readinessResponseSchema } from '@/lib/validation/health';

export const dynamic = 'force-dynamic';

// GET /crm/health/ready — may this instance take traffic? 503 while it shuts down or its database is unreachable
export const GET = withoutKey(async () => {
  if (isDraining()) throw new AppError('service_unavailable', 'This instance is shutting down.');
  const latency = await checkReadiness();
  return Response.json(
    readinessResponseSchema.parse({
      status: 'ready',
      database: 'up',
      migrations: 'applied',
      latency_ms: latency,
    }),
  );
});
