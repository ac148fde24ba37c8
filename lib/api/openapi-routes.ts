import 'server-only';
import * as health from '@/app/crm/health/route';
import * as me from '@/app/crm/me/route';
import * as openapiJson from '@/app/crm/openapi.json/route';
import { healthResponseSchema } from '@/lib/validation/health';
import { meResponseSchema } from '@/lib/validation/me';
import { defineRoute, type RouteDoc } from './openapi';

/**
 * THE list of /crm routes in the API document: one entry per route file, naming the zod schemas its
 * handlers validate and answer with. How each method is guarded (permission, tenant, public) is read
 * from the handler itself. Adding a route: add its entry here; lib/api/openapi.test.ts fails until
 * every route file and exported method under app/crm is listed, and nothing else is.
 */
export function openApiRoutes(): RouteDoc[] {
  return [
    defineRoute(
      '/crm/me',
      me,
      {
        GET: {
          summary: 'The calling API key',
          description:
            'Who the key is: its organisation, permissions and the organisations (tenants) it may reach.',
          response: meResponseSchema,
        },
      },
      'Identity',
    ),
    defineRoute(
      '/crm/health',
      health,
      {
        GET: {
          summary: 'Health check',
          description: 'Whether the API and its database are up. For load balancers and monitors.',
          response: healthResponseSchema,
          errors: ['database_unavailable'],
        },
      },
      'System',
    ),
    defineRoute(
      '/crm/openapi.json',
      openapiJson,
      {
        GET: {
          summary: 'This OpenAPI document',
          description: 'The OpenAPI 3.1 document of the API, for code generators and API clients.',
          responseDescription: 'The OpenAPI 3.1 document.',
        },
      },
      'System',
    ),
  ];
}
