/**
 * THE key lifecycle rules: when a key counts as expiring soon, expired or unused, and the status it
 * shows in lists. The SQL filters and widgets (db/queries/key-status.ts) are built from these same
 * constants, and a test checks that JS and SQL agree on a grid of dates.
 */
export const EXPIRING_SOON_DAYS = 30;
/** A usable key not used for this long (or never used and created this long ago) is "unused". */
export const UNUSED_AFTER_DAYS = 30;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** How a key appears in lists: revoked > disabled > expired > expiring soon > active. */
export const API_KEY_DISPLAY_STATUSES = [
  'active',
  'expiring_soon',
  'expired',
  'disabled',
  'revoked',
] as const;
export type ApiKeyDisplayStatus = (typeof API_KEY_DISPLAY_STATUSES)[number];

export type LifecycleFields = {
  status: 'active' | 'disabled' | 'revoked';
  expiresAt: Date | null;
};

/** The moments a key's status depends on, for a given "now". */
export function lifecycleBounds(now: Date) {
  return {
    now,
    expiringBefore: new Date(now.getTime() + EXPIRING_SOON_DAYS * DAY_MS),
    unusedSince: new Date(now.getTime() - UNUSED_AFTER_DAYS * DAY_MS),
  };
}

export function displayStatus(key: LifecycleFields, now: Date = new Date()): ApiKeyDisplayStatus {
  if (key.status === 'revoked') return 'revoked';
  if (key.status === 'disabled') return 'disabled';
  const { expiringBefore } = lifecycleBounds(now);
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (key.expiresAt && key.expiresAt.getTime() <= expiringBefore.getTime()) return 'expiring_soon';
  return 'active';
}

/** A key that still works (active or expiring soon) but nobody has used for UNUSED_AFTER_DAYS. */
export function isUnused(
  key: LifecycleFields & { lastUsedAt: Date | null; createdAt: Date },
  now: Date = new Date(),
): boolean {
  const shown = displayStatus(key, now);
  if (shown !== 'active' && shown !== 'expiring_soon') return false;
  const since = lifecycleBounds(now).unusedSince.getTime();
  return key.lastUsedAt ? key.lastUsedAt.getTime() <= since : key.createdAt.getTime() <= since;
}
