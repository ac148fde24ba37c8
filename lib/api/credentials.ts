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

/**
 * The origins this app is served from, as a browser names them in Origin: the host the request was
 * addressed to (X-Forwarded-Host/-Proto behind a proxy) and, when set, NEXTAUTH_URL's. Whether a
 * request's Origin must match is lib/access.ts's decision (isSameOriginSessionRequest).
 */
export function appOrigins(request: { url: string; headers: Headers }): string[] {
  const origins = new Set<string>();
  const url = new URL(request.url);
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host');
  const proto =
    request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.replace(/:$/, '');
  if (host) {
    try {
      origins.add(new URL(`${proto}://${host}`).origin);
    } catch {
      // A malformed Host header names no origin.
    }
  }
  const configured = process.env.NEXTAUTH_URL;
  if (configured) {
    try {
      origins.add(new URL(configured).origin);
    } catch {
      // Ignored: next-auth reports a bad NEXTAUTH_URL itself.
    }
  }
  return [...origins];
}
