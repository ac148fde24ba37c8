import { idempotentCreate } from '@/lib/api/idempotency';
import { parseJson, parseQuery } from '@/lib/api/request';
import { withKey } from '@/lib/api/with-key';
import { createApiKey, listApiKeys } from '@/lib/services/api-keys';
import {
  apiKeyListResponseSchema,
  createApiKeySchema,
  listApiKeysSchema,
  toApiKeyResponse,
  toCreatedApiKeyResponse,
} from '@/lib/validation/api-keys';

export const dynamic = 'force-dynamic';

// Authorised by a key with admin / api_keys:read|write, or by a signed-in admin's session cookie.
const options = { resource: 'api_keys', allowSession: true } as const;

// GET /crm/api-keys — the caller's organisation's keys (?status=&q=&sort=&order=&limit=, then ?cursor= or &page=); masked only
export const GET = withKey(async (request, { actor }) => {
  const filter = parseQuery(request, listApiKeysSchema);
  const result = await listApiKeys(actor, filter);
  return Response.json(
    apiKeyListResponseSchema.parse({
      data: result.keys.map(toApiKeyResponse),
      page: result.page,
      limit: result.limit,
      total: result.total,
      pages: result.pages,
      next_cursor: result.nextCursor,
    }),
  );
}, options);

// POST /crm/api-keys — create a key; the only response that contains the secret (Idempotency-Key supported)
export const POST = withKey(
  async (request, ctx) =>
    idempotentCreate(request, ctx, async () => {
      const input = await parseJson(request, createApiKeySchema);
      const { key, secret } = await createApiKey(ctx.actor, input, ctx.context);
      return { status: 201, body: toCreatedApiKeyResponse(key, secret) };
    }),
  options,
);
