import { idempotentCreate } from '@/lib/api/idempotency';
import { parseJson } from '@/lib/api/request';
import { withKey } from '@/lib/api/with-key';
import { regenerateApiKey } from '@/lib/services/api-keys';
import { regenerateApiKeySchema, toCreatedApiKeyResponse } from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

// POST /crm/api-keys/{id}/regenerate — a new secret (201, shown once); the old one works on for grace_period_seconds (default 0)
export const POST = withKey<{ id: string }>(
  async (request, ctx) =>
    idempotentCreate(request, ctx, async () => {
      const input = await parseJson(request, regenerateApiKeySchema);
      const { key, secret } = await regenerateApiKey(ctx.actor, ctx.params.id, input, ctx.context);
      return { status: 201, body: toCreatedApiKeyResponse(key, secret) };
    }),
  { resource: 'api_keys', allowSession: true },
);
