import { collectionRoutes } from '@/lib/api/crm-routes';
import { customerResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/customers — list (paged); POST /crm/customers — create. Needed: customers:read / customers:write and the tenant.
const routes = collectionRoutes(customerResource);
export const GET = routes.GET;
export const POST = routes.POST;
