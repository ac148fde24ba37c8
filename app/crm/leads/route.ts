import { collectionRoutes } from '@/lib/api/crm-routes';
import { leadResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/leads — list (paged); POST /crm/leads — create. Needed: leads:read / leads:write and the tenant.
const routes = collectionRoutes(leadResource);
export const GET = routes.GET;
export const POST = routes.POST;
