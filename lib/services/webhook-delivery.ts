import 'server-only';
import { onShutdown } from '@/lib/shutdown';
import { logError } from '@/lib/log';
import { metrics } from '@/lib/metrics';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { db, getDatabase, type Executor } from '@/db';
import { findKeyRecordsByIds } from '@/db/queries/key-lookup';
import {
  cancelPendingDeliveries,
  claimDueDeliveries,
  findMatchingWebhooks,
  findWebhooksByIds,
  insertDeliveries,
  pruneFinishedDeliveries,
  recordDeliveryAttempt,
  recordWebhookOutcome,
  setWebhookStatusRow,
  updateDelivery,
} from '@/db/queries/webhooks';
import type { Webhook } from '@/db/schema';
import { checkKeyRecord, type KeyRecord } from '@/lib/keys/verify';
import { hasPermission } from '@/lib/permissions';
import { canReachTenant } from '@/lib/tenants';
import { ENTITY_RESOURCES, type WebhookEntity, type WebhookEvent } from '@/lib/validation/webhooks';
import { retryDelayMs, webhookConfig, type WebhookConfig } from '@/lib/webhooks/config';
import { sendWebhook, type SendResult } from '@/lib/webhooks/send';
import { signPayload } from '@/lib/webhooks/signing';
import { recordAudit } from './audit';
import type { EntityChange } from './entity-events';

/** Channel on which a committed change wakes the workers at once (polling is the fallback). */
export const DELIVERY_CHANNEL = 'crm_webhook_deliveries';

/**
 * May this key receive events of this entity in this organisation, right now? The rules of a key
 * check (status, expiry, owner, organisation switch — lib/keys/verify.ts), then read permission on
 * the entity and reach of the tenant. Asked when a change is queued and again before each send.
 */
export function keyMayReceive(
  record: KeyRecord | undefined,
  organisationId: string,
  entity: WebhookEntity,
  now: Date = new Date(),
): { ok: true } | { ok: false; reason: string } {
  if (!record) return { ok: false, reason: 'key_invalid' };
  const checked = checkKeyRecord(record, now);
  if (!checked.ok) return { ok: false, reason: checked.code };
  if (!hasPermission(checked.key.permissions, `${ENTITY_RESOURCES[entity]}:read`))
    return { ok: false, reason: 'permission_denied' };
  if (!canReachTenant(checked.key, organisationId)) return { ok: false, reason: 'tenant_forbidden' };
  return { ok: true };
}

function eventBody(eventId: string, change: EntityChange, at: Date): string {
  const event: WebhookEvent = {
    id: eventId,
    type: `${change.entity}.${change.operation}`,
    entity: change.entity,
    operation: change.operation,
    organisation_id: change.organisationId,
    occurred_at: at.toISOString(),
    data: change.record,
  };
  return JSON.stringify(event);
}

/**
 * In the transaction of a change: one delivery per active subscription whose key may receive it.
 * Costs one indexed query when nobody subscribes; a rolled-back change queues nothing.
 */
export async function queueEntityChange(tx: Executor, change: EntityChange): Promise<number> {
  const subscriptions = await findMatchingWebhooks({
    organisationId: change.organisationId,
    entity: change.entity,
    operation: change.operation,
    db: tx,
  });
  if (subscriptions.length === 0) return 0;
  const now = new Date();
  const keys = await findKeyRecordsByIds({
    ids: [...new Set(subscriptions.map((s) => s.apiKeyId))],
    db: tx,
  });
  const eligible = subscriptions.filter(
    (s) => keyMayReceive(keys.get(s.apiKeyId), change.organisationId, change.entity, now).ok,
  );
  if (eligible.length === 0) return 0;
  const eventId = randomUUID();
  const body = eventBody(eventId, change, now);
  await insertDeliveries({
    rows: eligible.map((s) => ({
      webhookId: s.id,
      eventId,
      eventType: `${change.entity}.${change.operation}`,
      body,
    })),
    db: tx,
  });
  // Delivered by PostgreSQL on commit only: the worker wakes up when the rows are visible.
  await tx.execute(sql`select pg_notify(${DELIVERY_CHANNEL}, '')`);
  return eligible.length;
}

export type DeliveryOptions = Partial<WebhookConfig> & {
  /** The clock for scheduling (claims, backoff); the signature's timestamp is always the real time. */
  now?: Date;
  limit?: number;
};

export type DeliveryOutcome = {
  id: string;
  webhookId: string;
  result: 'delivered' | 'retry' | 'failed' | 'cancelled';
  statusCode: number | null;
  error: string | null;
};

/** How long a claimed delivery stays invisible to other workers: well past the request timeout. */
const leaseMs = (timeoutMs: number) => 2 * timeoutMs + 5000;

/**
 * Claim the due deliveries and send them. Returns what happened to each; the worker calls this in a
 * loop, tests call it directly with their own clock.
 */
export async function runDueDeliveries(options: DeliveryOptions = {}): Promise<DeliveryOutcome[]> {
  const config = { ...webhookConfig(), ...stripUndefined(options) };
  const now = options.now ?? new Date();
  const claimed = await claimDueDeliveries({
    now,
    leaseUntil: new Date(now.getTime() + leaseMs(config.timeoutMs)),
    limit: options.limit ?? 20,
  });
  if (claimed.length === 0) return [];
  const hooks = await findWebhooksByIds({ ids: [...new Set(claimed.map((d) => d.webhookId))] });
  const keys = await findKeyRecordsByIds({ ids: [...new Set([...hooks.values()].map((h) => h.apiKeyId))] });
  return Promise.all(
    claimed.map((delivery) => deliverOne(delivery, hooks.get(delivery.webhookId), keys, config, now)),
  );
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function deliverOne(
  delivery: Awaited<ReturnType<typeof claimDueDeliveries>>[number],
  webhook: Webhook | undefined,
  keys: Map<string, KeyRecord>,
  config: WebhookConfig,
  now: Date,
): Promise<DeliveryOutcome> {
  const base = { id: delivery.id, webhookId: delivery.webhookId };
  if (!webhook || webhook.status !== 'active') {
    const error = 'The webhook is paused or switched off.';
    await updateDelivery({ id: delivery.id, patch: { status: 'cancelled', lastError: error } });
    return { ...base, result: 'cancelled', statusCode: null, error };
  }
  const allowed = keyMayReceive(
    keys.get(webhook.apiKeyId),
    webhook.organisationId,
    webhook.entity as WebhookEntity,
    now,
  );
  if (!allowed.ok) {
    // The key lost the right to see these records (revoked, its user demoted or disabled, the
    // organisation switch turned off…): what was queued is not sent later either.
    const error = `The key of this webhook may not receive these events (${allowed.reason}).`;
    await updateDelivery({ id: delivery.id, patch: { status: 'cancelled', lastError: error } });
    return { ...base, result: 'cancelled', statusCode: null, error };
  }

  const timestamp = Math.floor(Date.now() / 1000);
  const result: SendResult = await sendWebhook({
    url: webhook.url,
    body: delivery.body,
    timeoutMs: config.timeoutMs,
    allowPrivate: config.allowPrivate,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'CRM-Webhooks/1.0',
      'x-webhook-id': delivery.id,
      'x-webhook-event': delivery.eventType,
      'x-webhook-subscription': webhook.id,
      'x-webhook-attempt': String(delivery.attempts),
      'x-webhook-timestamp': String(timestamp),
      'x-webhook-signature': signPayload(webhook.signingSecret, timestamp, delivery.body),
    },
  });

  const gone = result.statusCode === 410;
  const finalFailure = !result.ok && (gone || delivery.attempts >= config.maxAttempts);
  const outcome: DeliveryOutcome['result'] = result.ok ? 'delivered' : finalFailure ? 'failed' : 'retry';
  await db.transaction(async (tx) => {
    await recordDeliveryAttempt({
      attempt: {
        deliveryId: delivery.id,
        webhookId: webhook.id,
        attempt: delivery.attempts,
        attemptedAt: now,
        statusCode: result.statusCode,
        error: result.ok ? null : (result.error ?? `HTTP ${result.statusCode}`),
        durationMs: result.durationMs,
      },
      db: tx,
    });
    await updateDelivery({
      id: delivery.id,
      patch: result.ok
        ? { status: 'delivered', deliveredAt: now, lastStatusCode: result.statusCode, lastError: null }
        : {
            status: finalFailure ? 'failed' : 'pending',
            lastStatusCode: result.statusCode,
            lastError: result.error ?? `HTTP ${result.statusCode}`,
            nextAttemptAt: new Date(now.getTime() + retryDelayMs(delivery.attempts, config)),
          },
      db: tx,
    });
    const updated = await recordWebhookOutcome({ id: webhook.id, ok: result.ok, at: now, db: tx });
    if (!updated || result.ok || updated.status !== 'active') return;
    const failingFor = now.getTime() - (updated.failingSince ?? now).getTime();
    const keepsFailing =
      updated.consecutiveFailures >= config.disableAfterFailures && failingFor >= config.disableAfterMs;
    if (gone || keepsFailing) await switchOff(tx, updated, gone ? 'gone' : 'failing');
  });
  return { ...base, result: outcome, statusCode: result.statusCode, error: result.error };
}

/** The system switches a subscription off: the receiver said 410 Gone, or it kept failing. */
async function switchOff(tx: Executor, webhook: Webhook, reason: 'gone' | 'failing') {
  await setWebhookStatusRow({ id: webhook.id, status: 'disabled', disabledReason: reason, db: tx });
  await cancelPendingDeliveries({
    webhookIds: [webhook.id],
    reason:
      reason === 'gone' ? 'The receiver answered 410 Gone.' : 'The webhook was switched off after failing.',
    db: tx,
  });
  await recordAudit(tx, {
    actor: { type: 'system', label: 'system' },
    action: 'webhook.switched_off',
    organisationId: webhook.organisationId,
    target: { type: 'webhook', id: webhook.id, label: webhookLabel(webhook) },
    changes: {
      status: { before: 'active', after: 'disabled' },
      disabled_reason: { before: null, after: reason },
    },
  });
}

/** "customer.created → https://hooks.example.com/path" — never the query string, which may carry a token. */
export function webhookLabel(webhook: Pick<Webhook, 'entity' | 'operation' | 'url'>): string {
  let where = webhook.url;
  try {
    const u = new URL(webhook.url);
    where = `${u.origin}${u.pathname}`;
  } catch {
    // stored URLs are valid; keep the raw one if not
  }
  return `${webhook.entity}.${webhook.operation} → ${where}`;
}

// ---------------------------------------------------------------------------------------------
// The worker: one per process, started from instrumentation.ts after the database is ready.

type Worker = { stop: () => Promise<void>; wake: () => void };
const globalKey = Symbol.for('crm.webhook-worker');
type G = typeof globalThis & { [globalKey]?: Worker };

const PRUNE_EVERY_MS = 60 * 60_000;
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60_000;

/**
 * Poll the queue (every WEBHOOKS_POLL_MS), and wake at once on the commit of a change (LISTEN on
 * PostgreSQL and PGlite). Batches run one after another; a full batch is followed by the next at once.
 */
export function startWebhookWorker(): Worker | null {
  const g = globalThis as G;
  if (g[globalKey]) return g[globalKey];
  const config = webhookConfig();
  if (!config.workerEnabled) return null;

  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  let unlisten: (() => Promise<void>) | undefined;

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };

  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let full = false;
      try {
        const outcomes = await runDueDeliveries({ limit: 20 });
        full = outcomes.length >= 20;
        for (const o of outcomes) metrics().webhookAttempts.labels(o.result).inc();
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneFinishedDeliveries({ before: new Date(Date.now() - KEEP_FINISHED_MS) });
        }
      } catch (error) {
        // Never the payload or a secret: class, code and a scrubbed message (lib/log.ts).
        metrics().webhookBatchFailures.inc();
        logError(error, 'webhook worker: a delivery batch failed');
      } finally {
        running = null;
      }
      const next = full || again;
      again = false;
      schedule(next ? 0 : config.pollMs);
    })();
  };

  const handle = getDatabase();
  void (async () => {
    try {
      if (handle.sql) {
        const sub = await handle.sql.listen(DELIVERY_CHANNEL, () => tick());
        unlisten = () => sub.unlisten();
      } else if (handle.pglite) {
        unlisten = await handle.pglite.listen(DELIVERY_CHANNEL, () => tick());
      }
    } catch (error) {
      logError(error, 'webhook worker: LISTEN failed, polling only');
    }
  })();

  schedule(0);
  const worker: Worker = {
    wake: tick,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await unlisten?.().catch(() => {});
      await running;
      delete g[globalKey];
    },
  };
  g[globalKey] = worker;
  // Finish the batch in flight before the database closes on shutdown.
  onShutdown(worker.stop);
  return worker;
}
