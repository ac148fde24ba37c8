import type { ErrorCode } from '../errors';
import { RATE_LIMIT_HEADERS } from '../rate-limit-headers';
import type { JsonSchema } from './json-schema';

/**
 * Response headers of the document, defined once in `components.headers` and referenced by each
 * response: Retry-After on 429 and 503, and the per-key rate limit's RateLimit-* fields
 * (lib/api/rate-limit-headers.ts, the same list withKey sends).
 */
export const RESPONSE_HEADERS: Record<string, JsonSchema> = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 1 },
  },
  ...Object.fromEntries(
    Object.entries(RATE_LIMIT_HEADERS).map(([name, description]) => [
      name,
      {
        description: `${description} Sent only when the API key has a rate limit.`,
        schema: name === 'RateLimit-Policy' ? { type: 'string' } : { type: 'integer', minimum: 0 },
      },
    ]),
  ),
};

export const RATE_LIMIT_HEADER_NAMES = Object.keys(RATE_LIMIT_HEADERS);

export function headerRefs(names: string[]): Record<string, JsonSchema> {
  return Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));
}

/** The headers of an error status: Retry-After on 429 and 503, the key's RateLimit-* with rate_limited. */
export function errorHeaders(status: number, codes: ErrorCode[]): Record<string, JsonSchema> | undefined {
  const names = [
    ...(status === 429 || status === 503 ? ['Retry-After'] : []),
    ...(codes.includes('rate_limited') ? RATE_LIMIT_HEADER_NAMES : []),
  ];
  return names.length ? headerRefs(names) : undefined;
}
