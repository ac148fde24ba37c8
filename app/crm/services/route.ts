import { collectionRoutes } from '@/lib/api/crm-routes';
import { serviceResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/services — list (paged); POST /crm/services — create. Needed: services:read / services:write and the tenant.
const routes = collectionRoutes(serviceResource);
export const GET = routes.GET;
export const POST = routes.POST;
