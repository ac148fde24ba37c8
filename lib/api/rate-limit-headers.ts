/**
 * The per-key rate limit as response headers: the IETF fields of draft-ietf-httpapi-ratelimit-headers
 * (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`, `RateLimit-Policy`), sent on every
 * response to a key that has a limit, and `Retry-After` on its 429s. One list, read by withKey and by
 * the OpenAPI document, so the two cannot name different headers.
 */
import type { LimitResult } from '@/lib/rate-limit';

export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit':
    'Requests the API key may make in the current one-minute window (its `rate_limit_per_minute`).',
  'RateLimit-Remaining': 'Requests left in the current window, counted across every instance of the server.',
  'RateLimit-Reset': 'Seconds until the current window ends and the count starts again.',
  'RateLimit-Policy': "The key's quota policy, e.g. `100;w=60`: 100 requests a 60-second window.",
} as const;

export type RateLimitHeader = keyof typeof RATE_LIMIT_HEADERS;

/** Whole seconds until the window resets: at least 1 while a window runs (0 only before the first request). */
export function resetSeconds(result: LimitResult): number {
  return result.resetMs > 0 ? Math.max(1, Math.ceil(result.resetMs / 1000)) : 0;
}

export function setRateLimitHeaders(headers: Headers, result: LimitResult, windowSec: number): void {
  headers.set('ratelimit-limit', String(result.limit));
  headers.set('ratelimit-remaining', String(result.remaining));
  headers.set('ratelimit-reset', String(resetSeconds(result)));
  headers.set('ratelimit-policy', `${result.limit};w=${windowSec}`);
}
