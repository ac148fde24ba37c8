import 'server-only';
import { onShutdown } from '@/lib/shutdown';
import { forgetProcessSingleton, processSingleton } from '@/lib/process-singleton';
import { logError, logger } from '@/lib/log';
import { metrics } from '@/lib/metrics';
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { db, getDatabase, type Executor, type Unlisten } from '@/db';
import { findKeyRecordsByIds } from '@/db/queries/key-lookup';
import {
  cancelPendingDeliveries,
  claimDueDeliveries,
  findMatchingWebhooks,
  findWebhooksByIds,
  insertDeliveries,
  pruneFinishedDeliveries,
  readDatabaseClock,
  recordDeliveryAttempt,
  recordWebhookOutcome,
  setWebhookStatusRow,
  updateDelivery,
  type ClaimedDelivery,
} from '@/db/queries/webhooks';
import type { Webhook } from '@/db/schema';
import { checkKeyRecord, type KeyRecord } from '@/lib/keys/verify';
import { canReachTenant, holdsPermission } from '@/lib/access';
import { ENTITY_RESOURCES, type WebhookEntity, type WebhookEvent } from '@/lib/validation/webhooks';
import { retryDelayMs, webhookConfig, type WebhookConfig } from '@/lib/webhooks/config';
import { sendWebhook, type SendResult } from '@/lib/webhooks/send';
import { signPayload } from '@/lib/webhooks/signing';
import { recordAudit } from './audit';
import type { WebhookOperation } from '@/lib/validation/webhooks';
import type { Actor } from '@/lib/actor';

/** A committed change of a CRM record, as services announce it (lib/services/entity-events.ts). */
export type EntityChange = {
  organisationId: string;
  entity: WebhookEntity;
  operation: WebhookOperation;
  /** The record as the API returns it (after the change; before it, for deletes). */
  record: Record<string, unknown>;
  actor: Actor;
};

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
  if (!holdsPermission(checked.key.permissions, `${ENTITY_RESOURCES[entity]}:read`))
    return { ok: false, reason: 'permission_denied' };
  if (!canReachTenant(checked.key, organisationId)) return { ok: false, reason: 'tenant_forbidden' };
  return { ok: true };
}

function eventBody(eventId: string, change: EntityChange, occurredAt: string): string {
  const event: WebhookEvent = {
    id: eventId,
    type: `${change.entity}.${change.operation}`,
    entity: change.entity,
    operation: change.operation,
    organisation_id: change.organisationId,
    occurred_at: occurredAt,
    data: change.record,
  };
  return JSON.stringify(event);
}

/**
 * The sequence a delivery belongs to: one receiver (URL) and one record. Its deliveries go out one
 * at a time, oldest first, across the receiver's subscriptions (one per operation: created, updated
 * and deleted of a record are three subscriptions, and must still arrive in that order). Hashed:
 * the URL may carry a token in its query string.
 */
export function deliveryOrderKey(
  url: string,
  change: Pick<EntityChange, 'entity' | 'record'>,
): string | null {
  const id = change.record.id;
  if (typeof id !== 'string' || id === '') return null;
  return createHash('sha256').update(`${url}\n${change.entity}:${id}`).digest('base64url');
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
  // The database's clock, not this instance's: occurred_at orders one record's events even when
  // two instances with slightly different clocks change it one after the other.
  const body = eventBody(eventId, change, await readDatabaseClock({ db: tx }));
  await insertDeliveries({
    rows: eligible.map((s) => ({
      webhookId: s.id,
      eventId,
      eventType: `${change.entity}.${change.operation}`,
      body,
      orderKey: deliveryOrderKey(s.url, change),
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

/**
 * Claim up to `limit` due deliveries (a lease of config.leaseMs each) and return one send per
 * delivery, not yet started: the worker runs each in a slot of its own, tests run them together.
 */
type ClaimedSend = { webhookId: string; url: string; send: () => Promise<DeliveryOutcome> };

async function claimSends(
  config: WebhookConfig,
  limit: number,
  now?: Date,
  skipWebhookIds?: string[],
): Promise<ClaimedSend[]> {
  const claimedAt = now ?? new Date();
  const claimed = await claimDueDeliveries({
    now: claimedAt,
    leaseUntil: new Date(claimedAt.getTime() + config.leaseMs),
    limit,
    skipWebhookIds,
  });
  if (claimed.length === 0) return [];
  const hooks = await findWebhooksByIds({ ids: [...new Set(claimed.map((d) => d.webhookId))] });
  const keys = await findKeyRecordsByIds({ ids: [...new Set([...hooks.values()].map((h) => h.apiKeyId))] });
  return claimed.map((delivery) => {
    const webhook = hooks.get(delivery.webhookId);
    return {
      webhookId: delivery.webhookId,
      url: webhook?.url ?? '',
      send: () => deliverOne(delivery, webhook, keys, config, now),
    };
  });
}

/**
 * Claim the due deliveries and send them all; returns what happened to each. For tests, with their
 * own clock; the worker (below) keeps a pool of attempts instead and never waits for a whole batch.
 */
export async function runDueDeliveries(options: DeliveryOptions = {}): Promise<DeliveryOutcome[]> {
  const config = { ...webhookConfig(), ...stripUndefined(options) };
  const sends = await claimSends(config, options.limit ?? 20, options.now);
  return Promise.all(sends.map(({ send }) => send()));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One attempt: send, then record it. `clock` is fixed by tests; the worker uses the real time. */
async function deliverOne(
  delivery: ClaimedDelivery,
  webhook: Webhook | undefined,
  keys: Map<string, KeyRecord>,
  config: WebhookConfig,
  clock?: Date,
): Promise<DeliveryOutcome> {
  const startedAt = clock ?? new Date();
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
    startedAt,
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

  const now = clock ?? new Date();
  const gone = result.statusCode === 410;
  const finalFailure = !result.ok && (gone || delivery.attempts >= config.maxAttempts);
  const outcome: DeliveryOutcome['result'] = result.ok ? 'delivered' : finalFailure ? 'failed' : 'retry';
  await db.transaction(async (tx) => {
    await recordDeliveryAttempt({
      attempt: {
        deliveryId: delivery.id,
        webhookId: webhook.id,
        attempt: delivery.attempts,
        attemptedAt: startedAt,
        statusCode: result.statusCode,
        error: result.ok ? null : (result.error ?? `HTTP ${result.statusCode}`),
        durationMs: result.durationMs,
      },
      db: tx,
    });
    await updateDelivery({
      id: delivery.id,
      // A delivery cancelled while its attempt was in flight (paused…) stays cancelled unless it got through.
      onlyIfPending: !result.ok,
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

const PRUNE_EVERY_MS = 60 * 60_000;
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60_000;

/**
 * A pool of at most WEBHOOKS_CONCURRENCY attempts in flight. It claims as many due deliveries as it
 * has free slots and starts each at once — when a change commits (LISTEN, on PostgreSQL and PGlite),
 * when an attempt ends (its slot is free, and the next event of that record may now go), and every
 * WEBHOOKS_POLL_MS. Nothing waits for a batch: a receiver that hangs holds its own slots until the
 * attempt's deadline (WEBHOOKS_TIMEOUT_MS) while the others keep sending. A claim that fails (the
 * database is away) is tried again at the next poll; the database client reconnects within a fifth
 * of a second of the database answering again (db/index.ts), so due deliveries go out at once.
 */
export function startWebhookWorker(): Worker | null {
  // Null (switched off) is not kept: the next call looks at the configuration again.
  return processSingleton('webhook-worker', createWebhookWorker);
}

function createWebhookWorker(): Worker | null {
  const config = webhookConfig();
  if (!config.workerEnabled) return null;

  let stopped = false;
  /** The attempts in flight, with their subscription and receiver URL. */
  const inFlight = new Map<Promise<void>, { webhookId: string; url: string }>();
  // One receiver URL gets at most this many slots from one claim, and none from the next claims while
  // it has that many in flight: a receiver that hangs with many events queued holds about a quarter
  // of the pool (under half at worst), never all of it.
  const perReceiver = Math.max(1, Math.floor(config.concurrency / 4));
  let claiming: Promise<void> | null = null;
  let again = false;
  let lastPrune = 0;
  let failingSince = 0;
  let unlisten: Unlisten | undefined;

  const start = ({ webhookId, url, send }: ClaimedSend) => {
    let deadline: NodeJS.Timeout | undefined;
    const attempt = send().then(
      (outcome) => metrics().webhookAttempts.labels(outcome.result).inc(),
      // The receiver may have been sent it; its lease brings it back (at least once).
      (error) => {
        metrics().webhookBatchFailures.inc();
        logError(error, 'webhook worker: recording an attempt failed');
      },
    );
    // Past its lease another worker may send it again anyway: the slot is not held longer than that,
    // even if recording the attempt hangs on an unreachable database.
    const outlived = new Promise<void>((resolve) => {
      deadline = setTimeout(resolve, config.leaseMs);
      deadline.unref();
    });
    const slot: Promise<void> = Promise.race([attempt, outlived]).finally(() => {
      clearTimeout(deadline);
      inFlight.delete(slot);
      fill();
    });
    inFlight.set(slot, { webhookId, url });
  };

  /** The subscriptions whose receiver already has its share of the slots. */
  const saturated = (): string[] => {
    const perUrl = new Map<string, number>();
    for (const { url } of inFlight.values()) perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
    const full = [...inFlight.values()].filter(({ url }) => (perUrl.get(url) ?? 0) >= perReceiver);
    return [...new Set(full.map((a) => a.webhookId))];
  };

  const fill = () => {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = (async () => {
      let failed = false;
      try {
        do {
          again = false;
          const limit = Math.min(config.concurrency - inFlight.size, perReceiver);
          if (limit <= 0) break;
          const sends = await claimSends(config, limit, undefined, saturated());
          for (const send of sends) start(send);
          // A full claim: there may be more due, take them while slots are free.
          if (sends.length === limit) again = true;
        } while (again && !stopped);
        if (failingSince) {
          logger().info({ failing_ms: Date.now() - failingSince }, 'webhook worker: claiming again');
          failingSince = 0;
        }
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneFinishedDeliveries({ before: new Date(Date.now() - KEEP_FINISHED_MS) });
        }
      } catch (error) {
        failed = true;
        // Never the payload or a secret: just what failed, once per run of failures (the database
        // may be away for a while). The next poll tries again.
        metrics().webhookBatchFailures.inc();
        if (!failingSince) {
          failingSince = Date.now();
          logError(error, 'webhook worker: claiming deliveries failed, trying again', {
            poll_ms: config.pollMs,
          });
        }
      } finally {
        claiming = null;
      }
      // A wake-up (a commit, a freed slot) that came after the last claim above: claim again now
      // rather than at the next poll. Not after a failure: the poll paces retries then.
      if (again && !failed) fill();
    })();
  };

  void (async () => {
    try {
      unlisten = await getDatabase().listen(DELIVERY_CHANNEL, () => fill());
    } catch (error) {
      logError(error, 'webhook worker: LISTEN failed, polling only');
    }
  })();

  const poll = setInterval(fill, config.pollMs);
  poll.unref();
  fill();
  const worker: Worker = {
    wake: fill,
    stop: async () => {
      stopped = true;
      clearInterval(poll);
      await unlisten?.().catch(() => {});
      await claiming;
      await Promise.allSettled([...inFlight.keys()]);
      forgetProcessSingleton('webhook-worker');
    },
  };
  // Finish the attempts in flight before the database closes on shutdown.
  onShutdown(worker.stop);
  return worker;
}
