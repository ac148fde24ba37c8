import 'server-only';
import { auditEvents, type AuditChanges } from '@/db/schema';
import type { Executor } from '@/db';
import type { UserRole } from '@/db/schema';
import type { Permission } from '@/lib/permissions';

/** Who is acting: a signed-in user, a script's API key, or the system itself. */
export type Actor =
  | { type: 'user'; userId: string; organisationId: string; role: UserRole; label: string }
  | {
      type: 'key';
      keyId: string;
      organisationId: string;
      label: string;
      permissions: Permission[];
      allTenants: boolean;
      tenantIds: string[];
      /** Personal keys act as their user. */
      userId: string | null;
    }
  | { type: 'system'; label: 'system' };

/** Where a change came from, for the audit trail. */
export type RequestContext = { ip?: string | null; userAgent?: string | null };

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
