import { NextResponse, type NextRequest } from 'next/server';
import { presentedKey } from '@/lib/api/credentials';
import { AppError, isAppError } from '@/lib/errors';
import { errorResponse } from '@/lib/api/errors';
import { contentSecurityPolicy } from '@/lib/security-headers';

/**
 * Two jobs, on two sets of paths (see the matcher below):
 *
 * - Pages: a fresh CSP nonce per request. Next reads it from the request's Content-Security-Policy
 *   header and puts it on its own scripts; the browser then runs only those (and what they load,
 *   'strict-dynamic'), so an injected <script> does not run. The root layout renders every page
 *   dynamically, as nonces require.
 * - Key management: a thin gate in front of it, where requests without a key are refused without
 *   touching the database. Malformed keys go on to the wrapper, which counts every failed key check
 *   against the client's address (lib/api/with-key.ts failedKeyCheck): refusing them here would let a
 *   guesser skip the throttle. The authoritative check (lookup, status, expiry, permission, tenant) is
 *   repeated in the route wrapper, so nothing depends on this alone.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!pathname.startsWith('/crm/')) return withNonce(request);
  try {
    const key = presentedKey(request.headers);
    if (!key) {
      // Admins' session cookies also work for key management: the wrapper checks the session.
      if (pathname === '/crm/api-keys' || pathname.startsWith('/crm/api-keys/')) return NextResponse.next();
      throw new AppError('key_missing');
    }
    return NextResponse.next();
  } catch (error) {
    const requestId = crypto.randomUUID();
    return errorResponse(isAppError(error) ? error : new AppError('bad_request'), requestId);
  }
}

function withNonce(request: NextRequest) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const nonce = btoa(String.fromCharCode(...bytes));
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  return response;
}

/**
 * A narrow matcher. The benchmark (docs/performance.md) showed that the proxy layer alone — even an
 * empty one — costs about a quarter of a trivial request's throughput, while everything it checks is
 * checked again by the wrapper every /crm handler goes through. So the high-volume CRM routes skip it
 * (their static security headers come from next.config.ts), and so does /ping, the benchmark's
 * unprotected twin of /crm/me; the routes that create and change keys
 * and webhooks keep the early gate as defence in depth; pages get their CSP nonce. Static files,
 * next-auth's JSON endpoints and prefetches are left out.
 */
export const config = {
  matcher: [
    '/crm/api-keys/:path*',
    '/crm/webhooks/:path*',
    {
      source: '/((?!crm/|crm$|api/|ping$|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
