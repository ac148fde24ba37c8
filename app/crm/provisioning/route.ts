import { collectionRoutes } from '@/lib/api/crm-routes';
import { provisioningResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/provisioning — list (paged); POST /crm/provisioning — create. Needed: provisioning:read / provisioning:write and the tenant.
const routes = collectionRoutes(provisioningResource);
export const GET = routes.GET;
export const POST = routes.POST;
