import { idempotentCreate } from '@/lib/api/idempotency';
import { withKey } from '@/lib/api/with-key';
import { regenerateApiKey } from '@/lib/services/api-keys';
import { toCreatedApiKeyResponse } from '@/lib/validation/api-keys';

// POST /crm/api-keys/{id}/regenerate — a new secret (201, shown once); the old one fails from the next request
export const POST = withKey<{ id: string }>(
  async (request, ctx) =>
    idempotentCreate(request, ctx, async () => {
      const { key, secret } = await regenerateApiKey(ctx.actor, ctx.params.id, ctx.context);
      return { status: 201, body: toCreatedApiKeyResponse(key, secret) };
    }),
  { resource: 'api_keys', allowSession: true },
);
