import { withKey } from '@/lib/api/with-key';
import { setApiKeyEnabled } from '@/lib/services/api-keys';
import { toApiKeyResponse } from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

// POST /crm/api-keys/{id}/enable — re-activate a disabled key (never a revoked one)
export const POST = withKey<{ id: string }>(
  async (_request, { actor, params, context }) =>
    Response.json(toApiKeyResponse(await setApiKeyEnabled(actor, params.id, true, context))),
  { resource: 'api_keys', allowSession: true },
);
