import 'server-only';
import { findKeysNeedingAttention } from '@/db/queries/api-keys';
import { visibleIdentifier } from '@/lib/keys/format';
import { DAY_MS, UNUSED_AFTER_DAYS } from '@/lib/keys/lifecycle';
import { assertCanManageKeys, keyScope } from '@/lib/access';
import type { Actor } from '@/lib/actor';

/**
 * The admins' bell: what needs a look among the keys they reach, worked out from the keys themselves
 * when the page is drawn (nothing to schedule, nothing to go stale):
 *   - keys expiring within 7 days,
 *   - keys unused for 30 days,
 *   - keys reported leaked (last 30 days),
 *   - rotations ending within the hour whose old secret is still in use (used in the last hour).
 */
export const EXPIRY_WARNING_DAYS = 7;
const LEAK_NOTICE_DAYS = 30;
const HOUR_MS = 60 * 60 * 1000;

export type KeyNotificationKind = 'expiring' | 'unused' | 'leaked' | 'rotation_in_use';
export type KeyNotification = {
  kind: KeyNotificationKind;
  keyId: string;
  keyName: string;
  visibleId: string;
  /** The moment it is about: expiry, last use, leak, or the overlap's end. */
  at: Date | null;
};

export async function listKeyNotifications(actor: Actor, now = new Date()): Promise<KeyNotification[]> {
  assertCanManageKeys(actor, 'read');
  const rows = await findKeysNeedingAttention({
    scope: keyScope(actor),
    now,
    expiringBefore: new Date(now.getTime() + EXPIRY_WARNING_DAYS * DAY_MS),
    unusedSince: new Date(now.getTime() - UNUSED_AFTER_DAYS * DAY_MS),
    leakedSince: new Date(now.getTime() - LEAK_NOTICE_DAYS * DAY_MS),
    rotationEndsBefore: new Date(now.getTime() + HOUR_MS),
    oldSecretUsedSince: new Date(now.getTime() - HOUR_MS),
  });
  const out: KeyNotification[] = [];
  for (const r of rows) {
    const base = { keyId: r.id, keyName: r.name, visibleId: visibleIdentifier(r) };
    if (r.leaked) out.push({ ...base, kind: 'leaked', at: r.leakedAt });
    if (r.rotationInUse) out.push({ ...base, kind: 'rotation_in_use', at: r.previousKeyExpiresAt });
    if (r.expiring) out.push({ ...base, kind: 'expiring', at: r.expiresAt });
    if (r.unused) out.push({ ...base, kind: 'unused', at: r.lastUsedAt });
  }
  const order: KeyNotificationKind[] = ['leaked', 'rotation_in_use', 'expiring', 'unused'];
  return out.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}
