import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How deliveries are signed, the scheme receivers check:
 *
 *   X-Webhook-Timestamp: 1767225600                     (Unix seconds when this attempt was sent)
 *   X-Webhook-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the subscription's secret>
 *
 * Signing the timestamp with the body lets a receiver refuse replays: a captured request cannot be
 * re-sent later with a fresh timestamp without the secret.
 */
export const SIGNATURE_PREFIX = 'sha256=';
export const SIGNING_SECRET_PREFIX = 'whsec_';
/** How far a receiver should let the timestamp drift (what verifySignature accepts by default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A per-subscription secret: 256 bits from the operating system's CSPRNG. */
export function generateSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return SIGNATURE_PREFIX + createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * What a receiver does: recompute, compare in constant time, and refuse a timestamp too far from now.
 * Used by our tests as a receiver would use it.
 */
export function verifySignature(
  secret: string,
  { timestamp, body, signature }: { timestamp: string | null; body: string; signature: string | null },
  { now = Date.now(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = {},
): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const ts = Number(timestamp);
  if (Math.abs(now / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, ts, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
