import { collectionRoutes } from '@/lib/api/crm-routes';
import { integrationResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/integrations — list (paged); POST /crm/integrations — create. Needed: integrations:read / integrations:write and the tenant.
const routes = collectionRoutes(integrationResource);
export const GET = routes.GET;
export const POST = routes.POST;
