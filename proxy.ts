import { NextResponse, type NextRequest } from 'next/server';
import { presentedKey } from '@/lib/api/credentials';
import { ApiError, errorResponse, isApiError } from '@/lib/api/errors';
import { parseKey } from '@/lib/keys/format';

/** Routes under /crm that need no key. */
const PUBLIC = new Set(['/crm/health', '/crm/openapi.json']);

/**
 * A thin gate in front of /crm/*: requests without a key, or with a malformed one, are refused here
 * without touching the database. The authoritative check (lookup, status, expiry, permission,
 * tenant) is repeated in the route wrapper (lib/api/with-key.ts), so nothing depends on this alone.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (PUBLIC.has(pathname)) return NextResponse.next();
  try {
    const key = presentedKey(request.headers);
    if (!key) {
      // Admins' session cookies also work for key management: the wrapper checks the session.
      if (pathname === '/crm/api-keys' || pathname.startsWith('/crm/api-keys/')) return NextResponse.next();
      throw new ApiError('key_missing');
    }
    if (!parseKey(key)) throw new ApiError('key_malformed');
    return NextResponse.next();
  } catch (error) {
    const requestId = crypto.randomUUID();
    return errorResponse(isApiError(error) ? error : new ApiError('bad_request'), requestId);
  }
}

export const config = { matcher: ['/crm/:path*'] };
