import { listQuerySchema } from '@/lib/validation/crm';
import type { CrmResource } from '@/lib/services/crm-resources';
import { idempotentCreate } from './idempotency';
import { parseJson, parseQuery } from './request';
import { withKey } from './with-key';

type IdParams = { id: string };

/**
 * The route handlers of one CRM resource. Permission follows the method (GET → <resource>:read,
 * anything else → <resource>:write) and every call acts on the one tenant the request names.
 */
export function collectionRoutes(resource: CrmResource) {
  const options = { resource: resource.resource, tenant: true } as const;
  return {
    // GET /crm/<resource> — one page of the tenant's records (?page=&limit=, 100 at most)
    GET: withKey(async (request, { tenantId }) => {
      const query = parseQuery(request, listQuerySchema);
      return Response.json(await resource.list(tenantId, query));
    }, options),
    // POST /crm/<resource> — create a record (Idempotency-Key supported)
    POST: withKey(
      async (request, ctx) =>
        idempotentCreate(request, ctx, async () => {
          const input = await parseJson(request, resource.createSchema);
          return { status: 201, body: await resource.create(ctx.actor, ctx.tenantId, input) };
        }),
      options,
    ),
  };
}

export function itemRoutes(resource: CrmResource) {
  const options = { resource: resource.resource, tenant: true } as const;
  const update = withKey<IdParams>(async (request, { actor, tenantId, params }) => {
    const input = await parseJson(request, resource.updateSchema);
    return Response.json(await resource.update(actor, tenantId, params.id, input));
  }, options);
  return {
    // GET /crm/<resource>/{id} — one record; 404 for another tenant's id
    GET: withKey<IdParams>(
      async (_request, { tenantId, params }) => Response.json(await resource.get(tenantId, params.id)),
      options,
    ),
    // PATCH /crm/<resource>/{id} — change some fields (PUT is accepted as an alias)
    PATCH: update,
    PUT: update,
    // DELETE /crm/<resource>/{id} — 204
    DELETE: withKey<IdParams>(async (_request, { actor, tenantId, params }) => {
      await resource.remove(actor, tenantId, params.id);
      return new Response(null, { status: 204 });
    }, options),
  };
}
