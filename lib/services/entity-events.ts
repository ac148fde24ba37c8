import type { Executor } from '@/db';
import type { Actor } from './audit';

/** The CRM entities webhooks can subscribe to, and the operations on them. */
export const WEBHOOK_ENTITIES = ['customer', 'contact', 'lead', 'call', 'service', 'inventory_item'] as const;
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];
export const WEBHOOK_OPERATIONS = ['created', 'updated', 'deleted'] as const;
export type WebhookOperation = (typeof WEBHOOK_OPERATIONS)[number];

export type EntityChange = {
  organisationId: string;
  entity: WebhookEntity;
  operation: WebhookOperation;
  /** The record as the API returns it (after the change; before it, for deletes). */
  record: Record<string, unknown>;
  actor: Actor;
};

/**
 * Called by every service that changes a CRM entity, inside the same transaction as the change,
 * so a webhook delivery is queued if and only if the change commits (the webhooks issue fills this).
 */
export async function emitEntityChange(tx: Executor, change: EntityChange): Promise<void> {
  void tx;
  void change;
}
