import type { z } from 'zod';
import { AppError, validationError } from '@/lib/errors';

const MAX_BODY_BYTES = 1024 * 1024;

/** Parse and validate a JSON body: bad JSON is a 400, a body that fails the schema a 422 naming every field. */
export async function parseJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES)
    throw new AppError('bad_request', 'The request body is too large (1 MB at most).');
  let body: unknown;
  try {
    const text = await request.text();
    if (text.length > MAX_BODY_BYTES)
      throw new AppError('bad_request', 'The request body is too large (1 MB at most).');
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('invalid_json');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return parsed.data;
}

/** Parse and validate the query string the same way. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [k, v] of params) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return parsed.data;
}

/**
 * The origin the client used to reach us ("https://crm.example.com"), behind a proxy too: the API
 * document names it as its server, so Try it out and the request samples call this very server.
 */
export function requestOrigin(headers: Headers, fallbackUrl?: string): string {
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host');
  const fallback = fallbackUrl ? new URL(fallbackUrl) : null;
  // A host is letters, digits, dots, dashes, a port or an IPv6 literal; anything else is ignored.
  if (!host || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return fallback?.origin ?? 'http://localhost:3000';
  const proto =
    headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || fallback?.protocol.replace(':', '') || 'http';
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}

/**
 * The path of a request, without its query string. NextRequest has parsed the URL already
 * (nextUrl); parsing it again cost a few microseconds on every key-checked request.
 */
export function requestPath(request: Request): string {
  const parsed = (request as { nextUrl?: { pathname: string } }).nextUrl;
  return parsed ? parsed.pathname : new URL(request.url).pathname;
}
