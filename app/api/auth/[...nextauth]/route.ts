import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/options';
import { clientAddress } from '@/lib/api/client-address';
import {
  TOO_MANY_ATTEMPTS,
  recordSignInFailure,
  recordSignInSuccess,
  retryAfterSeconds,
  signInRefusal,
} from '@/lib/auth/sign-in-throttle';

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth's sign-in, sign-out, session and CSRF endpoints; options are built per request so the
// secret is read at run time, never baked into the build.
async function handler(req: NextRequest, context: Context) {
  return NextAuth(req as never, context as never, authOptions());
}

/** The URL next-auth answered with (JSON `{ url }` for the web form, a redirect otherwise). */
async function answeredUrl(response: Response, base: string): Promise<URL | null> {
  const location = response.headers.get('location');
  if (location) return new URL(location, base);
  if (!response.headers.get('content-type')?.includes('json')) return null;
  const body = (await response.clone().json()) as { url?: unknown };
  return typeof body.url === 'string' ? new URL(body.url, base) : null;
}

// POST /api/auth/callback/credentials — sign-in with e-mail and password, throttled (see
// lib/auth/sign-in-throttle.ts): a refused attempt is a 429 with Retry-After, before any password check.
async function post(req: NextRequest, context: Context) {
  const { nextauth } = await context.params;
  if (nextauth.join('/') !== 'callback/credentials') return handler(req, context);
  const form = await req
    .clone()
    .formData()
    .catch(() => null);
  const email = String(form?.get('email') ?? '');
  const address = clientAddress(req.headers);
  const refusal = await signInRefusal(email, address);
  if (refusal) {
    const seconds = retryAfterSeconds(refusal);
    const url = new URL('/login', req.url);
    url.searchParams.set('error', `${TOO_MANY_ATTEMPTS}:${seconds}`);
    // next-auth's client reads `error` from the returned URL; Retry-After is for every other client.
    return Response.json(
      { url: url.toString(), error: 'too_many_failed_attempts', retry_after: seconds },
      { status: 429, headers: { 'retry-after': String(seconds), 'cache-control': 'no-store' } },
    );
  }
  const response = await handler(req, context);
  const answered = await answeredUrl(response, req.url).catch(() => null);
  const error = answered?.searchParams.get('error');
  if (error === 'CredentialsSignin') await recordSignInFailure(email, address);
  else if (answered && !error && response.status < 400) await recordSignInSuccess(email, address);
  return response;
}

export { handler as GET, post as POST };
