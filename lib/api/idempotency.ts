import type { KeyContext } from './with-key';
import { readBody } from './request';
import { requestFingerprint, runIdempotent, type StoredResponse } from '@/lib/services/idempotency';

/**
 * A create handler made idempotent when the request carries an Idempotency-Key header: a retry with
 * the same key and body gets the first response again (marked `Idempotent-Replayed: true`).
 */
export async function idempotentCreate<P>(
  request: Request,
  ctx: KeyContext<P>,
  create: () => Promise<StoredResponse>,
): Promise<Response> {
  const key = request.headers.get('idempotency-key');
  if (key === null) {
    const result = await create();
    return Response.json(result.body, { status: result.status });
  }
  const caller = ctx.key ? `key:${ctx.key.id}` : `user:${ctx.user?.id ?? 'unknown'}`;
  const body = await readBody(request);
  const path = new URL(request.url).pathname;
  // The tenant is part of the request: the same body sent to another tenant is another request.
  const fingerprint = requestFingerprint(request.method, `${path}\n${ctx.tenantId}`, body);
  const result = await runIdempotent({ caller, key, fingerprint }, create);
  return Response.json(result.body, {
    status: result.status,
    headers: result.replayed ? { 'idempotent-replayed': 'true' } : undefined,
  });
}
