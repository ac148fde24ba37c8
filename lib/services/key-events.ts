import 'server-only';
import type { Executor } from '@/db';
import { toApiKeyResponse } from '@/lib/validation/api-keys';
import type { ApiKeyEventDetails, ApiKeyWebhookOperation } from '@/lib/validation/webhooks';
import { queueKeyEvent } from './webhook-delivery';
import type { ApiKeyView } from '@/lib/validation/api-keys';

/**
 * Called by the key services inside the transaction of the change (revoke, regenerate, a leak
 * report, an expiry notice): the event is queued for every active api_key subscription of the key's
 * organisation whose key could see this key (lib/access.ts mayReceiveKeyEvent), so a delivery exists
 * if and only if the change commits. Pass the key as it is after the change.
 *
 * Integration keys only: they are what /crm/api-keys shows. A personal key is its user's own and
 * reaches nobody else's webhooks (its user sees its notices in the app).
 */
export async function emitKeyEvent<O extends ApiKeyWebhookOperation>(
  tx: Executor,
  key: ApiKeyView,
  operation: O,
  details: ApiKeyEventDetails<O>,
): Promise<number> {
  if (key.kind !== 'integration') return 0;
  return queueKeyEvent(tx, { operation, key: toApiKeyResponse(key), details });
}
