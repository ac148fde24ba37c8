import type { WebhookWithDeliveries } from '@/lib/services/webhooks';
import { describeWebhookEvent } from '@/lib/validation/webhooks';

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
  > & {
    /** The event in words ("An API key was revoked"). */
    description: string;
  }
>;

/** Server data → table rows (dates become strings to cross into the client); server-side only. */
export function toWebhookRows(hooks: WebhookWithDeliveries[]): WebhookRow[] {
  return hooks.map((h) => ({
    id: h.id,
    url: h.url,
    entity: h.entity,
    operation: h.operation,
    description: describeWebhookEvent(h.entity, h.operation),
    status: h.status,
    disabledReason: h.disabledReason,
    consecutiveFailures: h.consecutiveFailures,
    createdAt: h.createdAt.toISOString(),
    lastDeliveries: h.lastDeliveries.map((d) => ({ ...d, attemptedAt: d.attemptedAt.toISOString() })),
  }));
}
