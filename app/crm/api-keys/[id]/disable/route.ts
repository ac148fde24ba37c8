import { withKey } from '@/lib/api/with-key';
import { setApiKeyEnabled } from '@/lib/services/api-keys';
import { toApiKeyResponse } from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

// POST /crm/api-keys/{id}/disable — disable the key (temporary; enable brings it back)
export const POST = withKey<{ id: string }>(
  async (_request, { actor, params, context }) =>
    Response.json(toApiKeyResponse(await setApiKeyEnabled(actor, params.id, false, context))),
  { resource: 'api_keys', allowSession: true },
);
