import type { WebhookWithDeliveries } from '@/lib/services/webhooks';

/** A webhook as the pages receive it (dates as ISO strings; never the signing secret). */
export type WebhookRow = {
  id: string;
  url: string;
  entity: string;
  operation: string;
  status: 'active' | 'paused' | 'disabled';
  disabledReason: 'failing' | 'key_cleared' | 'gone' | null;
  consecutiveFailures: number;
  createdAt: string;
  lastDeliveries: {
    deliveryId: string;
    attempt: number;
    attemptedAt: string;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  }[];
};

/** Server data → table rows (dates become strings to cross into the client). */
export function toWebhookRows(hooks: WebhookWithDeliveries[]): WebhookRow[] {
  return hooks.map((h) => ({
    id: h.id,
    url: h.url,
    entity: h.entity,
    operation: h.operation,
    status: h.status,
    disabledReason: h.disabledReason,
    consecutiveFailures: h.consecutiveFailures,
    createdAt: h.createdAt.toISOString(),
    lastDeliveries: h.lastDeliveries.map((d) => ({ ...d, attemptedAt: d.attemptedAt.toISOString() })),
  }));
}
