import { AppError } from '@/lib/errors';

/**
 * The key a request presents, from X-API-KEY or Authorization: Bearer. Both may be sent if they
 * agree; two different keys are a client bug we refuse rather than guess about.
 */
export function presentedKey(headers: Headers): string | null {
  const header = headers.get('x-api-key')?.trim() || null;
  const authorization = headers.get('authorization');
  let bearer: string | null = null;
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) throw new AppError('key_malformed', 'Authorization must be "Bearer <key>".');
    bearer = match[1].trim();
  }
  if (header && bearer && header !== bearer) throw new AppError('conflicting_credentials');
  return header ?? bearer;
}

/** Same-origin check for cookie-authenticated writes (the session cookie is also SameSite=Lax). */
export function isCrossSite(headers: Headers): boolean {
  const origin = headers.get('origin');
  if (!origin) return false;
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
