import type { Executor } from '@/db';
import { queueEntityChange, type EntityChange } from './webhook-delivery';

export type { EntityChange };

export {
  CRM_WEBHOOK_ENTITIES,
  CRM_WEBHOOK_OPERATIONS,
  type CrmWebhookEntity,
  type CrmWebhookOperation,
} from '@/lib/validation/webhooks';

/**
 * Called by every service that changes a CRM entity, inside the same transaction as the change:
 * one delivery per active matching webhook is written to the durable queue in that transaction, so
 * a delivery exists if and only if the change commits. The worker sends it after the commit.
 * Call it after the record's own write: the queue order (seq) and occurred_at are taken here, and
 * they follow the commit order of one record only because its row lock is already held.
 */
export async function emitEntityChange(tx: Executor, change: EntityChange): Promise<void> {
  await queueEntityChange(tx, change);
}
