import { getReadyDatabase } from '@/db/bootstrap';

export const dynamic = 'force-dynamic';

// GET /ping — the benchmark's unprotected twin of GET /crm/me: outside the proxy matcher, no key
// check, the same readiness await and a JSON body of the same shape and size.
export async function GET() {
  await getReadyDatabase();
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
    { headers: { 'x-request-id': crypto.randomUUID() } },
  );
}
