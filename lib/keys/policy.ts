/**
 * An organisation's key policy ("keys must expire", within a maximum lifetime), as GitHub lets
 * organisations require for fine-grained tokens. Pure: the service checks create, edit and regenerate
 * with it, and the pages mark keys made before the policy as outside it, with the same rule.
 */
export const KEY_LIFETIME_CHOICES = [90, 180, 365] as const;
export type KeyLifetimeDays = (typeof KEY_LIFETIME_CHOICES)[number];

export type KeyPolicy = { keysMustExpire: boolean; maxLifetimeDays: number | null };

const DAY = 24 * 60 * 60 * 1000;

/**
 * The latest expiry the policy allows for a key set now: the end of the UTC day `maxLifetimeDays`
 * days from today (expiry dates are whole days). Null when there is no maximum.
 */
export function latestAllowedExpiry(policy: KeyPolicy, now: Date = new Date()): Date | null {
  if (!policy.keysMustExpire || !policy.maxLifetimeDays) return null;
  const today = Math.floor(now.getTime() / DAY) * DAY;
  return new Date(today + (policy.maxLifetimeDays + 1) * DAY);
}

/** Why an expiry breaks the policy (a message for the expiry_date field), or null when it is within. */
export function expiryPolicyViolation(
  policy: KeyPolicy,
  expiresAt: Date | null,
  now: Date = new Date(),
): string | null {
  if (!policy.keysMustExpire) return null;
  const latest = latestAllowedExpiry(policy, now);
  if (!expiresAt) {
    return latest
      ? `Your organisation requires keys to expire within ${policy.maxLifetimeDays} days: choose an expiry date.`
      : 'Your organisation requires keys to expire: choose an expiry date.';
  }
  if (latest && expiresAt.getTime() > latest.getTime()) {
    const lastDay = new Date(latest.getTime() - DAY).toISOString().slice(0, 10);
    return `Your organisation allows keys to live at most ${policy.maxLifetimeDays} days: choose an expiry date up to ${lastDay}.`;
  }
  return null;
}
