import { collectionRoutes } from '@/lib/api/crm-routes';
import { knowledgeBaseResource } from '@/lib/services/crm-resources';

export const dynamic = 'force-dynamic';

// GET /crm/knowledge-base — list (paged); POST /crm/knowledge-base — create. Needed: knowledge_base:read / knowledge_base:write and the tenant.
const routes = collectionRoutes(knowledgeBaseResource);
export const GET = routes.GET;
export const POST = routes.POST;
