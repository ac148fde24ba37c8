import { collectionRoutes } from '@/lib/api/crm-routes';
import { agentResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/agents — list (paged); POST /crm/agents — create. Needed: agents:read / agents:write and the tenant.
const routes = collectionRoutes(agentResource);
export const GET = routes.GET;
export const POST = routes.POST;
