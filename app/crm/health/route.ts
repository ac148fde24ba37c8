import { sql } from 'drizzle-orm';
import { db } from '@/db';
import { getReadyDatabase } from '@/db/bootstrap';
import { withoutKey } from '@/lib/api/with-key';
import { AppError } from '@/lib/errors';
import { healthResponseSchema } from '@/lib/validation/health';

export const dynamic = 'force-dynamic';

// GET /crm/health — database reachability; no key needed; 503 when the database is down
export const GET = withoutKey(async () => {
  const started = performance.now();
  try {
    await Promise.race([
      (async () => {
        await getReadyDatabase();
        await db.execute(sql`select 1`);
      })(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000)),
    ]);
  } catch {
    throw new AppError('database_unavailable');
  }
  return Response.json(
    healthResponseSchema.parse({
      status: 'ok',
      database: 'up',
      latency_ms: Math.round(performance.now() - started),
    }),
  );
});
