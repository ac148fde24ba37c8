import { withKey } from '@/lib/api/with-key';
import { revokeApiKey } from '@/lib/services/api-keys';
import { toApiKeyResponse } from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

// POST /crm/api-keys/{id}/revoke — revoke for good; refused from the very next request
export const POST = withKey<{ id: string }>(
  async (_request, { actor, params, context }) =>
    Response.json(toApiKeyResponse(await revokeApiKey(actor, params.id, context))),
  { resource: 'api_keys', allowSession: true },
);
