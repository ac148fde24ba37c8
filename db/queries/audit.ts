import 'server-only';
import { and, desc, eq } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { auditEvents } from '@/db/schema';

/** The audit trail of one target (e.g. an API key), newest first; served by audit_events_target_idx. */
export async function listAuditEventsForTarget({
  targetType,
  targetId,
  limit = 100,
  db = defaultDb,
}: {
  targetType: string;
  targetId: string;
  limit?: number;
  db?: Executor;
}) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, targetType), eq(auditEvents.targetId, targetId)))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(limit);
}
