import { collectionRoutes } from '@/lib/api/crm-routes';
import { integrationResource } from '@/lib/services/crm-resources';

// GET /crm/integrations — list (paged); POST /crm/integrations — create. Needed: integrations:read / integrations:write and the tenant.
const routes = collectionRoutes(integrationResource);
export const GET = routes.GET;
export const POST = routes.POST;
