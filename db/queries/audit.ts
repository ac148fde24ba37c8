import 'server-only';
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { auditEvents, organisations } from '@/db/schema';
import type { AuditFilter } from '@/lib/validation/audit';
import type { OrganisationScope } from './api-keys';
import { isUuid } from '@/lib/ids';

function escapeLike(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function scopeCondition(scope: OrganisationScope): SQL | undefined {
  if (scope.all) return undefined;
  if (scope.organisationIds.length === 0) return sql`false`;
  return inArray(auditEvents.organisationId, scope.organisationIds);
}

function conditions(scope: OrganisationScope, filter: AuditFilter, beforeId?: number): SQL | undefined {
  const like = (v: string) => `%${escapeLike(v)}%`;
  return and(
    scopeCondition(scope),
    filter.actor
      ? or(sql`${auditEvents.actorLabel} ilike ${like(filter.actor)}`, eq(auditEvents.actorId, filter.actor))
      : undefined,
    filter.action ? eq(auditEvents.action, filter.action) : undefined,
    filter.target
      ? isUuid(filter.target)
        ? eq(auditEvents.targetId, filter.target.toLowerCase())
        : sql`${auditEvents.targetLabel} ilike ${like(filter.target)}`
      : undefined,
    filter.from ? gte(auditEvents.occurredAt, filter.from) : undefined,
    filter.before ? lt(auditEvents.occurredAt, filter.before) : undefined,
    beforeId !== undefined ? lt(auditEvents.id, beforeId) : undefined,
  );
}

const columns = {
  event: auditEvents,
  organisationName: organisations.name,
};

/** One page of audit events, newest first (ids grow with time). */
export async function listAuditEvents({
  scope,
  filter,
  page,
  limit,
  db = defaultDb,
}: {
  scope: OrganisationScope;
  filter: AuditFilter;
  page: number;
  limit: number;
  db?: Executor;
}) {
  const where = conditions(scope, filter);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(columns)
      .from(auditEvents)
      .leftJoin(organisations, eq(organisations.id, auditEvents.organisationId))
      .where(where)
      .orderBy(desc(auditEvents.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(where),
  ]);
  return { rows, total: Number(total) };
}

/** A batch of events older than `beforeId` (keyset paging, for streaming an export of any size). */
export async function listAuditEventsBefore({
  scope,
  filter,
  beforeId,
  limit,
  db = defaultDb,
}: {
  scope: OrganisationScope;
  filter: AuditFilter;
  beforeId?: number;
  limit: number;
  db?: Executor;
}) {
  return db
    .select(columns)
    .from(auditEvents)
    .leftJoin(organisations, eq(organisations.id, auditEvents.organisationId))
    .where(conditions(scope, filter, beforeId))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

/** The actions that occur in a scope, for the filter's list. */
export async function listAuditActions({
  scope,
  db = defaultDb,
}: {
  scope: OrganisationScope;
  db?: Executor;
}) {
  const rows = await db
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .where(scopeCondition(scope))
    .orderBy(auditEvents.action);
  return rows.map((r) => r.action);
}

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
