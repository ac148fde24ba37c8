import { createHash, timingSafeEqual } from 'node:crypto';
import { readEnv } from '@/lib/env';
import { metrics } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

const digest = (value: string) => createHash('sha256').update(value).digest();

// GET /metrics — Prometheus metrics; `Authorization: Bearer <METRICS_TOKEN>`; 404 when METRICS_TOKEN is unset
export async function GET(request: Request): Promise<Response> {
  const token = readEnv().METRICS_TOKEN;
  // Off unless configured: nothing tells a scanner the endpoint exists.
  if (!token) return new Response('Not found\n', { status: 404 });
  const header = request.headers.get('authorization') ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
  // Digests of equal length, compared in constant time: the token's length leaks nothing either.
  if (!timingSafeEqual(digest(presented), digest(token))) {
    return new Response('Unauthorized\n', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="metrics"' },
    });
  }
  const registry = metrics().registry;
  return new Response(await registry.metrics(), {
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
  });
}
