import { withKey } from '@/lib/api/with-key';
import { getAnalyticsSummary } from '@/lib/services/analytics';

// GET /crm/analytics/summary — read-only counts over the tenant's records; needs analytics:read
export const GET = withKey(
  async (_request, { tenantId }) => Response.json(await getAnalyticsSummary(tenantId)),
  {
    permission: 'analytics:read',
    tenant: true,
  },
);
