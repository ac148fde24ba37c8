import { collectionRoutes } from '@/lib/api/crm-routes';
import { inventoryResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/inventory — list (paged); POST /crm/inventory — create. Needed: inventory:read / inventory:write and the tenant.
const routes = collectionRoutes(inventoryResource);
export const GET = routes.GET;
export const POST = routes.POST;
