import { withKey } from '@/lib/api/with-key';
import { endRotationNow } from '@/lib/services/key-rotation';
import { toApiKeyResponse } from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

// POST /crm/api-keys/{id}/end-overlap — the previous secret of a rotation stops working now
export const POST = withKey<{ id: string }>(
  async (_request, { actor, params, context }) =>
    Response.json(toApiKeyResponse(await endRotationNow(actor, params.id, context))),
  { resource: 'api_keys', allowSession: true },
);
