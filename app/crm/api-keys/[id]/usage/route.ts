import { withKey } from '@/lib/api/with-key';
import { parseQuery } from '@/lib/api/request';
import { getKeyUsage } from '@/lib/services/usage';
import { usageOutput, usageQuerySchema } from '@/lib/validation/usage';

export const dynamic = 'force-dynamic';

// GET /crm/api-keys/{id}/usage?window=24h|7d|30d — a key's requests per hour (24h) or day, by outcome
export const GET = withKey<{ id: string }>(
  async (request, { params, actor }) => {
    const { window } = parseQuery(request, usageQuerySchema);
    // getKeyUsage checks the key is in the caller's scope (404 otherwise).
    return Response.json(usageOutput(await getKeyUsage(actor, params.id, window)));
  },
  { permission: 'api_keys:read', allowSession: true },
);
