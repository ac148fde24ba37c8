import { withKey } from '@/lib/api/with-key';
import { getRotationUsage } from '@/lib/services/key-rotation';
import { rotationOutput } from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

// GET /crm/api-keys/{id}/rotation — during an overlap: requests per secret in the last hour, last use of the old one
export const GET = withKey<{ id: string }>(
  async (_request, { actor, params }) =>
    Response.json(rotationOutput(await getRotationUsage(actor, params.id))),
  { permission: 'api_keys:read', allowSession: true },
);
