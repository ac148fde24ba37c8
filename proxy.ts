import { NextResponse, type NextRequest } from 'next/server';
import { presentedKey } from '@/lib/api/credentials';
import { AppError, isAppError } from '@/lib/errors';
import { errorResponse } from '@/lib/api/errors';
import { parseKey } from '@/lib/keys/format';

/**
 * A thin gate in front of key management (see the matcher below): requests without a key, or with a
 * malformed one, are refused here without touching the database. The authoritative check (lookup, status, expiry, permission,
 * tenant) is repeated in the route wrapper (lib/api/with-key.ts), so nothing depends on this alone.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  try {
    const key = presentedKey(request.headers);
    if (!key) {
      // Admins' session cookies also work for key management: the wrapper checks the session.
      if (pathname === '/crm/api-keys' || pathname.startsWith('/crm/api-keys/')) return NextResponse.next();
      throw new AppError('key_missing');
    }
    if (!parseKey(key)) throw new AppError('key_malformed');
    return NextResponse.next();
  } catch (error) {
    const requestId = crypto.randomUUID();
    return errorResponse(isAppError(error) ? error : new AppError('bad_request'), requestId);
  }
}

/**
 * A narrower matcher: the key-management surfaces only. The benchmark (docs/performance.md) showed
 * that the proxy layer alone — even an empty one — costs about a quarter of a trivial request's
 * throughput, more than the whole budget of a key check, while everything it checks is checked again
 * by the wrapper that every /crm handler goes through (and a test asserts every handler does). So
 * the high-volume CRM routes skip it, and the routes that create and change keys and webhooks keep
 * the early gate as defence in depth.
 */
export const config = { matcher: ['/crm/api-keys/:path*', '/crm/webhooks/:path*'] };
