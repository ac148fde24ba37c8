import type { WebhookWithDeliveries } from '@/lib/services/webhooks';

/** Dates become ISO strings so the value can cross into a client component. */
type Serialised<T> = {
  [K in keyof T]: T[K] extends Date
    ? string
    : T[K] extends Date | null
      ? string | null
      : T[K] extends (infer U)[]
        ? Serialised<U>[]
        : T[K];
};

/** A webhook as the pages receive it: the service's view (never the signing secret), serialised. */
export type WebhookRow = Serialised<
  Pick<
    WebhookWithDeliveries,
    | 'id'
    | 'url'
    | 'entity'
    | 'operation'
    | 'status'
    | 'disabledReason'
    | 'consecutiveFailures'
    | 'createdAt'
    | 'lastDeliveries'
  >
>;

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
