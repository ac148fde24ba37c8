import { withKey } from '@/lib/api/with-key';
import { noQuerySchema, parseJson, parseQuery } from '@/lib/api/request';
import { createWebhook, listWebhooksOfCaller, toWebhookOutput } from '@/lib/services/webhooks';
import {
  createdWebhookOutputSchema,
  createWebhookSchema,
  webhookListOutputSchema,
} from '@/lib/validation/webhooks';

export const dynamic = 'force-dynamic';

// GET /crm/webhooks — the webhooks registered with the calling key (never their signing secrets)
export const GET = withKey(
  async (request, { actor }) => {
    parseQuery(request, noQuerySchema);
    const hooks = await listWebhooksOfCaller(actor);
    return Response.json(webhookListOutputSchema.parse({ data: hooks.map(toWebhookOutput) }));
  },
  { resource: 'webhooks' },
);

// POST /crm/webhooks — subscribe a URL to an entity's created/updated/deleted events; the only
// response that contains the subscription's signing secret
export const POST = withKey(
  async (request, { actor, tenantId, context }) => {
    const input = await parseJson(request, createWebhookSchema);
    const { webhook, signingSecret } = await createWebhook(actor, tenantId, input, context);
    const body = createdWebhookOutputSchema.parse({
      ...toWebhookOutput(webhook),
      signing_secret: signingSecret,
    });
    return Response.json(body, {
      status: 201,
      headers: { location: `/crm/webhooks/${webhook.id}`, 'cache-control': 'no-store' },
    });
  },
  { resource: 'webhooks', tenant: true },
);
