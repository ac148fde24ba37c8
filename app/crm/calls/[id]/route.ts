import { itemRoutes } from '@/lib/api/crm-routes';
import { callResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET, PATCH (PUT), DELETE /crm/calls/{id} — one record of the request's tenant; 404 for any other.
const routes = itemRoutes(callResource);
export const GET = routes.GET;
export const PATCH = routes.PATCH;
export const PUT = routes.PUT;
export const DELETE = routes.DELETE;
