import 'server-only';
import { and, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { apiKeys, type ApiKey } from '@/db/schema';
import { sumRequestsBySecret } from '@/db/queries/usage';
import { visibleIdentifier } from '@/lib/keys/format';
import { announceKeyChange } from '@/lib/key-check/invalidation';
import type { Actor, RequestContext } from '@/lib/actor';
import { recordAudit } from './audit';
import type { ApiKeyView } from '@/lib/validation/api-keys';
import { changeKey, getApiKey, rotationRunning, targetOf } from './api-keys';

/**
 * The end of a rotation's overlap. No job ends it: every key check compares previous_key_expires_at
 * with the clock (lib/keys/verify.ts), so the old secret is refused from that moment on every
 * instance. What remains is bookkeeping — clearing the previous secret's columns and recording the end
 * in the audit trail — done by whoever notices first: the first refused request with the old secret,
 * the next view of the key, the warning sweep, or an admin ending the overlap early. Each path runs
 * the same conditional UPDATE on the locked row, so exactly one of them records the end.
 */
const SYSTEM: Actor = { type: 'system', label: 'system' };
const HOUR_MS = 60 * 60 * 1000;

function previousId(key: ApiKey): string {
  return visibleIdentifier({ prefix: key.prefix, lastFour: key.previousLastFour ?? '????' });
}

async function clearPrevious(
  tx: Executor,
  key: ApiKey,
  actor: Actor,
  early: boolean,
  context?: RequestContext,
) {
  await tx
    .update(apiKeys)
    .set({ previousKeyHash: null, previousLastFour: null, previousKeyExpiresAt: null })
    .where(eq(apiKeys.id, key.id));
  await recordAudit(tx, {
    actor,
    context,
    action: 'key.rotation_ended',
    organisationId: key.organisationId,
    target: targetOf(key),
    changes: {
      previous_key: { before: previousId(key), after: null },
      previous_key_expires_at: { before: key.previousKeyExpiresAt?.toISOString() ?? null, after: null },
      ...(early ? { ended_early: { before: false, after: true } } : {}),
    },
  });
}

/**
 * Close the rotation of each key whose overlap has passed (recorded once, by the system). Returns the
 * ids closed here. Cheap when there is nothing to do: one indexed read.
 */
export async function closeEndedRotations(keyIds?: string[], now = new Date()): Promise<string[]> {
  const closed: string[] = [];
  const due = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(
        isNotNull(apiKeys.previousKeyHash),
        lte(apiKeys.previousKeyExpiresAt, now),
        keyIds
          ? sql`${apiKeys.id} in ${keyIds.length ? keyIds : ['00000000-0000-0000-0000-000000000000']}`
          : undefined,
      ),
    );
  for (const { id } of due) {
    const done = await db.transaction(async (tx) => {
      const [key] = await tx
        .select()
        .from(apiKeys)
        .where(
          and(eq(apiKeys.id, id), isNotNull(apiKeys.previousKeyHash), lte(apiKeys.previousKeyExpiresAt, now)),
        )
        .for('update');
      if (!key) return false; // someone else closed it first
      await clearPrevious(tx, key, SYSTEM, false);
      return true;
    });
    if (done) {
      closed.push(id);
      announceKeyChange({ keyIds: [id] });
    }
  }
  return closed;
}

// Refused requests with an old secret arrive in bursts; one close attempt per key at a time is enough.
const closing = new Set<string>();

/** From the key check: an old secret was refused after its overlap. Fire and forget. */
export function noteRotationEnded(keyId: string): void {
  if (closing.has(keyId)) return;
  closing.add(keyId);
  closeEndedRotations([keyId])
    .catch((error) => console.error('closing an ended rotation failed', error))
    .finally(() => closing.delete(keyId));
}

/** "End the overlap now": the previous secret stops at once (audited as ended early). */
export async function endRotationNow(
  actor: Actor,
  id: string,
  context?: RequestContext,
): Promise<ApiKeyView> {
  await changeKey(actor, id, async (tx, key) => {
    if (!key.previousKeyHash) return;
    await clearPrevious(tx, key, rotationRunning(key) ? actor : SYSTEM, rotationRunning(key), context);
  });
  return getApiKey(actor, id);
}

export type RotationUsage = {
  endsAt: Date;
  previousVisibleId: string;
  /** Requests in the current and previous clock hour, per secret. */
  lastHour: { current: number; previous: number };
  previousLastUsedAt: Date | null;
};

/** Which secret callers use during an overlap, so an admin sees when the old one has gone quiet. */
export async function getRotationUsage(
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<RotationUsage | null> {
  const view = await getApiKey(actor, id);
  if (!view.rotation) {
    // An overlap that has passed unnoticed (no refused request yet) is recorded when it is looked at.
    await closeEndedRotations([id], now);
    return null;
  }
  const from = new Date(Math.floor((now.getTime() - HOUR_MS) / HOUR_MS) * HOUR_MS);
  return {
    endsAt: view.rotation.endsAt,
    previousVisibleId: view.rotation.previousVisibleId,
    lastHour: await sumRequestsBySecret({ keyId: id, from }),
    previousLastUsedAt: view.rotation.previousLastUsedAt,
  };
}
