import { withKey } from '@/lib/api/with-key';
import { parseJson } from '@/lib/api/request';
import { deleteWebhook, getWebhook, setWebhookStatus, toWebhookOutput } from '@/lib/services/webhooks';
import { updateWebhookSchema, webhookOutputSchema } from '@/lib/validation/webhooks';

export const dynamic = 'force-dynamic';

type Params = { id: string };

// GET /crm/webhooks/{id} — one webhook of the calling key
export const GET = withKey<Params>(
  async (_request, { actor, params }) =>
    Response.json(webhookOutputSchema.parse(toWebhookOutput(await getWebhook(actor, params.id)))),
  { resource: 'webhooks' },
);

// PATCH /crm/webhooks/{id} — pause ({"status":"paused"}) or resume ({"status":"active"})
export const PATCH = withKey<Params>(
  async (request, { actor, params, context }) => {
    const input = await parseJson(request, updateWebhookSchema);
    const webhook = await setWebhookStatus(actor, params.id, input, context);
    return Response.json(webhookOutputSchema.parse(toWebhookOutput(webhook)));
  },
  { resource: 'webhooks' },
);

// DELETE /crm/webhooks/{id} — unsubscribe; queued deliveries go with it
export const DELETE = withKey<Params>(
  async (_request, { actor, params, context }) => {
    await deleteWebhook(actor, params.id, context);
    return new Response(null, { status: 204 });
  },
  { resource: 'webhooks' },
);
