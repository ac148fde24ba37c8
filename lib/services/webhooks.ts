import 'server-only';
import { eq } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import {
  cancelPendingDeliveries,
  countWebhooksOfKey,
  deleteWebhookRow,
  findRecentAttempts,
  findWebhookWithKey,
  insertWebhook,
  listWebhooksOfKeys,
  setWebhookStatusRow,
  type DeliveryAttemptView,
} from '@/db/queries/webhooks';
import { apiKeys, type Webhook } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { findKeyTenants } from '@/db/queries/api-keys';
import {
  assertHoldsPermission,
  assertIsKey,
  canManageWebhook,
  canReachTenant,
  type WebhookFacts,
} from '@/lib/access';
import {
  ENTITY_RESOURCES,
  MAX_WEBHOOKS_PER_KEY,
  type CreateWebhookInput,
  type UpdateWebhookInput,
  type WebhookOutput,
} from '@/lib/validation/webhooks';
import { webhookConfig } from '@/lib/webhooks/config';
import { generateSigningSecret } from '@/lib/webhooks/signing';
import { checkWebhookUrl, type Resolver } from '@/lib/webhooks/url-guard';
import { type Actor, type RequestContext } from '@/lib/actor';
import { recordAudit } from './audit';
import { webhookLabel } from './webhook-delivery';
import { isUuid } from '@/lib/ids';

/** A subscription as the product shows it: never its signing secret. */
export type WebhookView = {
  id: string;
  url: string;
  entity: Webhook['entity'];
  operation: Webhook['operation'];
  organisationId: string;
  apiKeyId: string;
  status: Webhook['status'];
  disabledReason: Webhook['disabledReason'];
  consecutiveFailures: number;
  lastDeliveryAt: Date | null;
  lastSuccessAt: Date | null;
  createdAt: Date;
};

export type WebhookWithDeliveries = WebhookView & { lastDeliveries: DeliveryAttemptView[] };

export function toWebhookView(w: Webhook): WebhookView {
  return {
    id: w.id,
    url: w.url,
    entity: w.entity,
    operation: w.operation,
    organisationId: w.organisationId,
    apiKeyId: w.apiKeyId,
    status: w.status,
    disabledReason: w.disabledReason,
    consecutiveFailures: w.consecutiveFailures,
    lastDeliveryAt: w.lastDeliveryAt,
    lastSuccessAt: w.lastSuccessAt,
    createdAt: w.createdAt,
  };
}

/** The API's JSON for a subscription (lib/validation/webhooks.ts webhookOutputSchema). */
export function toWebhookOutput(w: WebhookView): WebhookOutput {
  return {
    id: w.id,
    url: w.url,
    entity: w.entity as WebhookOutput['entity'],
    operation: w.operation as WebhookOutput['operation'],
    organisation_id: w.organisationId,
    status: w.status,
    disabled_reason: w.disabledReason,
    consecutive_failures: w.consecutiveFailures,
    last_delivery_at: w.lastDeliveryAt?.toISOString() ?? null,
    last_success_at: w.lastSuccessAt?.toISOString() ?? null,
    created_at: w.createdAt.toISOString(),
  };
}

function notFound(): AppError {
  return new AppError('not_found', 'No webhook with this id.');
}

export type CreatedWebhook = { webhook: WebhookView; signingSecret: string };

/**
 * Subscribe (POST /crm/webhooks). Only a key subscribes, and the subscription belongs to it: a
 * personal key acts as its user, an integration key needs webhooks:write. Either must also be able
 * to read the entity it subscribes to, in the tenant the events come from.
 */
export async function createWebhook(
  actor: Actor,
  tenantId: string,
  input: CreateWebhookInput,
  context?: RequestContext,
  options: { allowPrivate?: boolean; resolve?: Resolver } = {},
): Promise<CreatedWebhook> {
  const keyActor = assertIsKey(actor, 'registered');
  assertHoldsPermission(keyActor.permissions, 'webhooks:write');
  const readPermission = `${ENTITY_RESOURCES[input.entity]}:read` as const;
  try {
    assertHoldsPermission(keyActor.permissions, readPermission);
  } catch {
    throw new AppError(
      'permission_denied',
      `This key needs the ${readPermission} permission to receive ${input.entity} events.`,
      { entity: [`This key cannot read ${ENTITY_RESOURCES[input.entity]}.`] },
    );
  }
  if (!canReachTenant(keyActor, tenantId)) throw new AppError('tenant_forbidden');

  const check = await checkWebhookUrl(input.url, {
    allowPrivate: options.allowPrivate ?? webhookConfig().allowPrivate,
    resolve: options.resolve,
  });
  if (!check.ok) {
    throw new AppError('validation_failed', `Invalid fields: url.`, { url: [check.message] });
  }

  const signingSecret = generateSigningSecret();
  const webhook = await db.transaction(async (tx) => {
    // The key's row is the lock that keeps two concurrent subscribes from both passing the limit.
    await lockKey(tx, keyActor.keyId);
    if ((await countWebhooksOfKey({ apiKeyId: keyActor.keyId, db: tx })) >= MAX_WEBHOOKS_PER_KEY) {
      throw new AppError('conflict', `A key can hold at most ${MAX_WEBHOOKS_PER_KEY} webhooks.`);
    }
    const created = await insertWebhook({
      values: {
        organisationId: tenantId,
        apiKeyId: keyActor.keyId,
        url: check.url.toString(),
        entity: input.entity,
        operation: input.operation,
        signingSecret,
      },
      db: tx,
    });
    await recordAudit(tx, {
      actor,
      context,
      action: 'webhook.created',
      organisationId: tenantId,
      target: { type: 'webhook', id: created.id, label: webhookLabel(created) },
      changes: {
        entity: { before: null, after: created.entity },
        operation: { before: null, after: created.operation },
        status: { before: null, after: 'active' },
      },
    });
    return created;
  });
  return { webhook: toWebhookView(webhook), signingSecret };
}

async function lockKey(tx: Executor, keyId: string) {
  await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, keyId)).for('update');
}

type WebhookRow = NonNullable<Awaited<ReturnType<typeof findWebhookWithKey>>>;

/** What lib/access.ts needs to decide who manages a webhook (rule 9). */
async function webhookFacts(tx: Executor, row: WebhookRow): Promise<WebhookFacts> {
  const tenants = (await findKeyTenants({ keyIds: [row.key.id], db: tx })).get(row.key.id) ?? [];
  return {
    key: {
      id: row.key.id,
      kind: row.key.kind,
      userId: row.key.userId,
      organisationId: row.key.organisationId,
      allTenants: row.key.allTenants,
      tenantIds: tenants.map((t) => t.id),
      permissions: row.key.permissions,
      expiresAt: row.key.expiresAt,
    },
    owner: row.key.kind === 'personal' && row.owner?.id ? row.owner : null,
  };
}

async function loadForActor(tx: Executor, actor: Actor, id: string, forUpdate = false) {
  if (!isUuid(id)) throw notFound();
  const row = await findWebhookWithKey({ id, forUpdate, db: tx });
  if (!row || !canManageWebhook(actor, await webhookFacts(tx, row))) throw notFound();
  return row;
}

export async function getWebhook(actor: Actor, id: string): Promise<WebhookView> {
  const row = await loadForActor(db, actor, id);
  return toWebhookView(row.webhook);
}

/** GET /crm/webhooks: the subscriptions of the calling key. */
export async function listWebhooksOfCaller(actor: Actor): Promise<WebhookView[]> {
  const keyActor = assertIsKey(actor, 'listed');
  return (await listWebhooksOfKeys({ apiKeyIds: [keyActor.keyId] })).map(toWebhookView);
}

/** The last delivery attempts of one webhook, newest first (GET /crm/webhooks/{id}/deliveries). */
export async function listWebhookDeliveries(
  actor: Actor,
  id: string,
  limit = 20,
): Promise<DeliveryAttemptView[]> {
  await loadForActor(db, actor, id);
  return (await findRecentAttempts({ webhookIds: [id], perWebhook: limit })).get(id) ?? [];
}

/** Subscriptions of some keys with their last deliveries, for the pages (callers check who may see). */
export async function listWebhooksWithDeliveries(apiKeyIds: string[]): Promise<WebhookWithDeliveries[]> {
  const hooks = await listWebhooksOfKeys({ apiKeyIds });
  const attempts = await findRecentAttempts({ webhookIds: hooks.map((h) => h.id), perWebhook: 5 });
  return hooks.map((h) => ({ ...toWebhookView(h), lastDeliveries: attempts.get(h.id) ?? [] }));
}

/**
 * Pause ("paused") or play ("active"). Pausing cancels what is still queued: a paused webhook sends
 * nothing, now or later. Playing a switched-off webhook starts it afresh, unless its key is gone.
 */
export async function setWebhookStatus(
  actor: Actor,
  id: string,
  input: UpdateWebhookInput,
  context?: RequestContext,
): Promise<WebhookView> {
  return db.transaction(async (tx) => {
    const row = await loadForActor(tx, actor, id, true);
    const before = row.webhook;
    if (before.status === input.status) return toWebhookView(before);
    if (input.status === 'active' && row.key.status !== 'active') {
      throw new AppError(
        'conflict',
        'The API key of this webhook was cleared or revoked: register the webhook again with a new key.',
      );
    }
    const updated = await setWebhookStatusRow({
      id,
      status: input.status,
      disabledReason: null,
      resetFailures: input.status === 'active',
      db: tx,
    });
    if (!updated) throw notFound();
    if (input.status === 'paused') {
      await cancelPendingDeliveries({ webhookIds: [id], reason: 'The webhook was paused.', db: tx });
    }
    await recordAudit(tx, {
      actor,
      context,
      action: input.status === 'paused' ? 'webhook.paused' : 'webhook.resumed',
      organisationId: before.organisationId,
      target: { type: 'webhook', id, label: webhookLabel(before) },
      changes: {
        status: { before: before.status, after: updated.status },
        ...(before.disabledReason ? { disabled_reason: { before: before.disabledReason, after: null } } : {}),
      },
    });
    return toWebhookView(updated);
  });
}

/** Unsubscribe (DELETE /crm/webhooks/{id}): the key that registered it, or an admin. */
export async function deleteWebhook(actor: Actor, id: string, context?: RequestContext): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadForActor(tx, actor, id, true);
    await deleteWebhookRow({ id, db: tx });
    await recordAudit(tx, {
      actor,
      context,
      action: 'webhook.deleted',
      organisationId: row.webhook.organisationId,
      target: { type: 'webhook', id, label: webhookLabel(row.webhook) },
      changes: { status: { before: row.webhook.status, after: 'deleted' } },
    });
  });
}
