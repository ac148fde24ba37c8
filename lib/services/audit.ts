import 'server-only';
import { auditEvents, type AuditChanges } from '@/db/schema';
import type { Executor } from '@/db';
import { listAuditActions, listAuditEvents, listAuditEventsBefore } from '@/db/queries/audit';
import { csvLine } from '@/lib/csv';
import { auditFilterFrom, type AuditLogQuery } from '@/lib/validation/audit';
import { assertCanReadAudit, organisationScope } from '@/lib/access';
import type { Actor, RequestContext } from '@/lib/actor';

export type AuditInput = {
  actor: Actor;
  context?: RequestContext;
  action: string;
  organisationId: string | null;
  target: { type: string; id?: string | null; label?: string | null };
  changes?: AuditChanges | null;
};

function actorId(actor: Actor): string | null {
  if (actor.type === 'user') return actor.userId;
  if (actor.type === 'key') return actor.keyId;
  return null;
}

/** Append one audit event, in the caller's transaction so the change and its record land together. */
export async function recordAudit(db: Executor, input: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    organisationId: input.organisationId,
    actorType: input.actor.type,
    actorId: actorId(input.actor),
    actorLabel: input.actor.label,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id ?? null,
    targetLabel: input.target.label ?? null,
    ip: input.context?.ip ?? null,
    userAgent: input.context?.userAgent?.slice(0, 500) ?? null,
    changes: input.changes && Object.keys(input.changes).length ? input.changes : null,
  });
}

function comparable(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return JSON.stringify([...value].sort());
  return JSON.stringify(value ?? null);
}

function auditValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : (value ?? null);
}

/** Before/after of the fields that changed. Callers pass only fields that are safe to record. */
export function diffFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of Object.keys(after)) {
    if (comparable(before[field]) !== comparable(after[field])) {
      changes[field] = { before: auditValue(before[field]), after: auditValue(after[field]) };
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Reading the trail

export const AUDIT_PAGE_SIZE = 50;

/** One page of the audit log the actor may see: their organisation's, or everything for superadmins. */
export async function listAuditLog(actor: Actor, query: AuditLogQuery, limit = AUDIT_PAGE_SIZE) {
  assertCanReadAudit(actor);
  const scope = organisationScope(actor);
  const [{ rows, total }, actions] = await Promise.all([
    listAuditEvents({ scope, filter: auditFilterFrom(query), page: query.page, limit }),
    listAuditActions({ scope }),
  ]);
  return {
    events: rows.map((r) => ({ ...r.event, organisationName: r.organisationName, actorName: r.actorName })),
    total,
    page: query.page,
    pages: Math.max(1, Math.ceil(total / limit)),
    actions,
  };
}

const AUDIT_CSV_COLUMNS = [
  'time',
  'organisation_id',
  'organisation',
  'actor_type',
  'actor_id',
  'actor',
  'action',
  'target_type',
  'target_id',
  'target',
  'ip',
  'user_agent',
  'changes',
];

/**
 * The filtered audit log as CSV lines, header first, fetched in batches so an export of any size
 * streams in constant memory. The access check runs before the first line.
 */
export function exportAuditLogCsv(actor: Actor, query: AuditLogQuery): AsyncGenerator<string> {
  assertCanReadAudit(actor);
  const scope = organisationScope(actor);
  const filter = auditFilterFrom(query);
  return (async function* () {
    yield csvLine(AUDIT_CSV_COLUMNS);
    let beforeId: number | undefined;
    for (;;) {
      const rows = await listAuditEventsBefore({ scope, filter, beforeId, limit: 1000 });
      for (const { event: e, organisationName } of rows) {
        yield csvLine([
          e.occurredAt,
          e.organisationId,
          organisationName,
          e.actorType,
          e.actorId,
          e.actorLabel,
          e.action,
          e.targetType,
          e.targetId,
          e.targetLabel,
          e.ip,
          e.userAgent,
          e.changes,
        ]);
      }
      if (rows.length < 1000) return;
      beforeId = rows[rows.length - 1].event.id;
    }
  })();
}
