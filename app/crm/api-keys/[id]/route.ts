import { parseJson } from '@/lib/api/request';
import { withKey } from '@/lib/api/with-key';
import { deleteApiKey, getApiKey, updateApiKey } from '@/lib/services/api-keys';
import { toApiKeyResponse, updateApiKeySchema } from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

const options = { resource: 'api_keys', allowSession: true } as const;
type Params = { id: string };

// GET /crm/api-keys/{id} — one key, masked
export const GET = withKey<Params>(
  async (_request, { actor, params }) => Response.json(toApiKeyResponse(await getApiKey(actor, params.id))),
  options,
);

// PATCH /crm/api-keys/{id} — change name, description, expiry_date, permissions, tenants or protected
export const PATCH = withKey<Params>(async (request, { actor, params, context }) => {
  const input = await parseJson(request, updateApiKeySchema);
  return Response.json(toApiKeyResponse(await updateApiKey(actor, params.id, input, context)));
}, options);

// DELETE /crm/api-keys/{id} — delete the key (its audit events stay); 204, or 409 key_protected
export const DELETE = withKey<Params>(async (_request, { actor, params, context }) => {
  await deleteApiKey(actor, params.id, context);
  return new Response(null, { status: 204 });
}, options);
