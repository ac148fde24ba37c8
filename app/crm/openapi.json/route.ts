import { requestOrigin } from '@/lib/api/request';
import { withoutKey } from '@/lib/api/with-key';

export const dynamic = 'force-dynamic';

// GET /crm/openapi.json — the OpenAPI 3.1 document; no key needed; its server is this request's origin
export const GET = withoutKey(async (request) => {
  // Loaded when asked rather than imported: the registry imports this very module (the document reads
  // this handler's guard from it), so a static import back would make the two a circle.
  const { apiDocument } = await import('@/app/crm/_openapi/routes');
  const origin = requestOrigin(request.headers, process.env.NEXTAUTH_URL);
  return Response.json(apiDocument(origin), {
    headers: { 'cache-control': 'no-store' },
  });
});
