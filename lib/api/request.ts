import { z } from 'zod';
import { AppError, validationError } from '@/lib/errors';
import { peerIsTrustedProxy } from './client-address';

export const MAX_BODY_BYTES = 1024 * 1024;

const bodies = new WeakMap<Request, Promise<string>>();

/**
 * The request body as text, read once per request (the idempotency layer and the JSON parser share it).
 * Bytes are counted while the body streams in: past MAX_BODY_BYTES reading stops and the request is a
 * 413 payload_too_large — a chunked body without Content-Length is never read to its end first.
 */
export function readBody(request: Request): Promise<string> {
  let body = bodies.get(request);
  if (!body) {
    body = readLimited(request);
    bodies.set(request, body);
  }
  return body;
}

async function readLimited(request: Request): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw new AppError('payload_too_large');
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new AppError('payload_too_large');
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid UTF-8.');
  }
}

/** Parse and validate a JSON body: bad JSON is a 400, a body that fails the schema a 422 naming every field. */
export async function parseJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await readBody(request);
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppError('invalid_json');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return parsed.data;
}

/**
 * Parse and validate the query string the same way. One rule for every endpoint: a parameter the
 * schema does not name, or one given twice, is a 422 naming it — `?stauts=revoked` is a typo to
 * report, never a filter silently dropped.
 */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const raw: Record<string, string> = {};
  const fields: Record<string, string[]> = {};
  for (const [k, v] of params) {
    if (!Object.hasOwn(shape, k)) fields[k.slice(0, 100)] = ['Unknown parameter.'];
    else if (Object.hasOwn(raw, k)) fields[k] = ['Give this parameter once.'];
    raw[k] = v;
  }
  if (Object.keys(fields).length) {
    throw new AppError('validation_failed', `Invalid parameters: ${Object.keys(fields).join(', ')}.`, fields);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return parsed.data;
}

/** For endpoints that take no query parameters: any parameter is refused by parseQuery. */
export const noQuerySchema = z.strictObject({});

/**
 * The origin the client used to reach us ("https://crm.example.com"): the API document names it as its
 * server, so Try it out and the request samples call this very server. X-Forwarded-Host and
 * X-Forwarded-Proto are believed only when the direct peer is a trusted proxy (TRUSTED_PROXIES, see
 * client-address.ts); otherwise any client could make the document point elsewhere. Without a trusted
 * proxy: the app's configured URL (`configuredUrl`, e.g. NEXTAUTH_URL) when there is one, else the Host
 * header over plain HTTP (server.mjs speaks HTTP; HTTPS is a proxy's job).
 */
export function requestOrigin(headers: Headers, configuredUrl?: string): string {
  const configured = parseOrigin(configuredUrl);
  const fallback = configured?.origin ?? 'http://localhost:3000';
  const proxied = peerIsTrustedProxy(headers);
  if (!proxied && configured) return configured.origin;
  const host = (proxied && headers.get('x-forwarded-host')?.split(',')[0]?.trim()) || headers.get('host');
  // A host is letters, digits, dots, dashes, a port or an IPv6 literal; anything else is ignored.
  if (!host || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return fallback;
  const proto = proxied ? headers.get('x-forwarded-proto')?.split(',')[0]?.trim() : 'http';
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}

function parseOrigin(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
