import { withKey } from '@/lib/api/with-key';
import { noQuerySchema, parseQuery } from '@/lib/api/request';
import { listWebhookDeliveries } from '@/lib/services/webhooks';
import { webhookDeliveriesOutputSchema } from '@/lib/validation/webhooks';

export const dynamic = 'force-dynamic';

// GET /crm/webhooks/{id}/deliveries — the webhook's last 20 delivery attempts, newest first
export const GET = withKey<{ id: string }>(
  async (request, { actor, params }) => {
    parseQuery(request, noQuerySchema);
    const attempts = await listWebhookDeliveries(actor, params.id);
    return Response.json(
      webhookDeliveriesOutputSchema.parse({
        data: attempts.map((a) => ({
          delivery_id: a.deliveryId,
          event_type: a.eventType,
          attempt: a.attempt,
          attempted_at: a.attemptedAt.toISOString(),
          status_code: a.statusCode,
          error: a.error,
          duration_ms: a.durationMs,
        })),
      }),
    );
  },
  { resource: 'webhooks' },
);
