import { methodNotAllowed, withKey } from '@/lib/api/with-key';
import { getAnalyticsSummary } from '@/lib/services/analytics';

export const dynamic = 'force-dynamic';

// GET /crm/analytics/summary — read-only counts over the tenant's records; needs analytics:read
export const GET = withKey(
  async (_request, { tenantId }) => Response.json(await getAnalyticsSummary(tenantId)),
  {
    permission: 'analytics:read',
    tenant: true,
  },
);

// Analytics has no write: every other method is a 405 in the API's error format.
export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
