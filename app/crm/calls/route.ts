import { collectionRoutes } from '@/lib/api/crm-routes';
import { callResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/calls — list (paged); POST /crm/calls — create. Needed: calls:read / calls:write and the tenant.
const routes = collectionRoutes(callResource);
export const GET = routes.GET;
export const POST = routes.POST;
