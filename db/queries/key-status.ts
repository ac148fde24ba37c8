import { and, eq, gt, isNull, lte, or, type SQL } from 'drizzle-orm';
import { apiKeys } from '@/db/schema';
import { lifecycleBounds, type ApiKeyDisplayStatus } from '@/lib/keys/lifecycle';

/**
 * The key lifecycle (lib/keys/lifecycle.ts) as SQL conditions, built from the same constants; the list
 * filters and the summary widgets both use these, so a key is counted where it is listed. Each is a
 * range condition on indexed columns (no per-row function), so the planner can use the indexes.
 */
export function keyStatusConditions(now: Date) {
  const { expiringBefore, unusedSince } = lifecycleBounds(now);
  const notExpired = or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))!;
  const isActive = eq(apiKeys.status, 'active');
  const display: Record<ApiKeyDisplayStatus, SQL> = {
    active: and(isActive, or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, expiringBefore)))!,
    expiring_soon: and(isActive, gt(apiKeys.expiresAt, now), lte(apiKeys.expiresAt, expiringBefore))!,
    expired: and(isActive, lte(apiKeys.expiresAt, now))!,
    disabled: eq(apiKeys.status, 'disabled'),
    revoked: eq(apiKeys.status, 'revoked'),
  };
  /** Works today: active, expiring soon or not. */
  const usable = and(isActive, notExpired)!;
  return {
    display,
    usable,
    unused: and(
      usable,
      or(
        lte(apiKeys.lastUsedAt, unusedSince),
        and(isNull(apiKeys.lastUsedAt), lte(apiKeys.createdAt, unusedSince)),
      ),
    )!,
    /** Still in service (the default tab): usable or temporarily disabled. */
    current: or(display.disabled, usable)!,
    /** Kept for audit: revoked, or past their expiry date. */
    ended: or(display.revoked, display.expired)!,
  };
}
