import { apiDocument } from '@/app/crm/_openapi/routes';
import { requestOrigin } from '@/lib/api/request';
import { withoutKey } from '@/lib/api/with-key';

export const dynamic = 'force-dynamic';

// GET /crm/openapi.json — the OpenAPI 3.1 document; no key needed; its server is this request's origin
export const GET = withoutKey(async (request) => {
  const origin = requestOrigin(request.headers, process.env.NEXTAUTH_URL);
  return Response.json(apiDocument(origin), {
    headers: { 'cache-control': 'no-store' },
  });
});
