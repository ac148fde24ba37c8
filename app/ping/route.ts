import { databaseReadiness } from '@/db/bootstrap';

export const dynamic = 'force-dynamic';

// GET /ping — the benchmark's unprotected twin of GET /crm/me: outside the proxy matcher, no key
// check; the same readiness check and request id as the key-checked routes (lib/api/with-key.ts) and
// a JSON body of the same shape and size.
export async function GET(request: Request) {
  const stamped = request.headers.get('x-crm-request-id');
  const readiness = databaseReadiness();
  if (readiness) await readiness;
  return Response.json(
    {
      id: '00000000-0000-0000-0000-000000000000',
      visible_id: 'sk_live_…0000',
      name: 'ping',
      kind: 'integration',
      organisation_id: '00000000-0000-0000-0000-000000000000',
      permissions: ['customers:read'],
      tenants: ['00000000-0000-0000-0000-000000000000'],
      expiry_date: null,
    },
    stamped ? undefined : { headers: { 'x-request-id': crypto.randomUUID() } },
  );
}
