import { collectionRoutes } from '@/lib/api/crm-routes';
import { contactResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/contacts — list (paged); POST /crm/contacts — create. Needed: contacts:read / contacts:write and the tenant.
const routes = collectionRoutes(contactResource);
export const GET = routes.GET;
export const POST = routes.POST;
