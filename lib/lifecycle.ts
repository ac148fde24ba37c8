import 'server-only';
import { sql } from 'drizzle-orm';
import { getDatabase } from '@/db';
import { getReadyDatabase } from '@/db/bootstrap';
import { rowsOf } from '@/db/rows';
import { readEnv } from '@/lib/env';
import { registerKeyCacheMetrics, startKeyCache } from '@/lib/key-check/cache';
import { logError, logger } from '@/lib/log';
import { installHttpMetrics, readGauge } from '@/lib/metrics';
import { processSingleton, processSlot } from '@/lib/process-singleton';
import { runShutdownHooks } from '@/lib/shutdown';
import { registerUsageMetrics, startUsageFlusher, stopUsageFlusher } from '@/lib/services/usage-recorder';
import { startWebhookWorker } from '@/lib/services/webhook-delivery';

/**
 * THE process lifecycle: what runs in the background of an app instance, and how it stops.
 * Registered once per process from instrumentation.ts.
 *
 * Start (in this order): signal handlers; the database (migrate, seed on first start); the key
 * cache and its LISTEN for key changes (lib/key-check/cache.ts); the webhook delivery worker
 * (lib/services/webhook-delivery.ts); the usage flusher, every USAGE_FLUSH_MS
 * (lib/services/usage-recorder.ts); metrics read at scrape time (lib/metrics.ts).
 *
 * Stop, on SIGTERM or SIGINT, within SHUTDOWN_DEADLINE_MS (default 10 s, under the usual 30 s
 * grace of process managers before their SIGKILL):
 *   1. draining: /crm/health/ready answers 503, so a load balancer stops sending;
 *   2. the HTTP server (server.mjs) stops accepting, closes idle keep-alive connections, tells busy
 *      ones `Connection: close`, and waits for the requests in flight — until 3 s before the deadline;
 *   3. the webhook worker finishes its batch, and the usage counts are written (retried until the
 *      deadline if the database is briefly away);
 *   4. the database is closed (PGlite must be, to be durable) and the process exits 143 (130 on
 *      SIGINT). At the deadline it exits whatever is still running.
 */
const FLUSH_RESERVE_MS = 3_000;

/** Set by server.mjs: stop accepting, finish the requests in flight within graceMs. */
type HttpDrain = (graceMs: number) => Promise<{ cut: number }>;
const httpDrain = processSlot<HttpDrain>('http-drain');

/** Whether the process was started, and asked to stop; one per process. */
function lifecycle(): { started: boolean; draining: boolean } {
  return processSingleton('lifecycle', () => ({ started: false, draining: false }));
}

/** True once the process was asked to stop: readiness fails, new work is refused. */
export function isDraining(): boolean {
  return lifecycle().draining;
}

/** Start everything, once per process. */
export async function startProcess(): Promise<void> {
  const state = lifecycle();
  if (state.started) return;
  state.started = true;
  // First, so that a stop during a slow start (database down) still exits cleanly.
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  installHttpMetrics();
  registerKeyCacheMetrics();
  registerUsageMetrics();
  registerDatabaseMetrics();

  const env = readEnv();
  await getReadyDatabase();
  await startKeyCache();
  // A process singleton, so exactly one per process; it registers its own stop (lib/shutdown).
  startWebhookWorker();
  startUsageFlusher(env.USAGE_FLUSH_MS);
  logger().info({ driver: getDatabase().driver }, 'background work started');
}

let stopping: Promise<void> | null = null;

/** Drain, flush, close, exit: see the comment at the top. */
export function shutdown(signal: NodeJS.Signals): Promise<void> {
  return (stopping ??= (async () => {
    const deadlineMs = readEnv().SHUTDOWN_DEADLINE_MS;
    const started = Date.now();
    const deadline = started + deadlineMs;
    const code = signal === 'SIGINT' ? 130 : 143;
    lifecycle().draining = true;
    logger().info({ signal, deadline_ms: deadlineMs }, 'shutting down: draining');
    // Whatever happens below, the process is gone by the deadline.
    setTimeout(() => {
      logger().error({ signal }, 'shutdown deadline reached: exiting now');
      process.exit(code);
    }, deadlineMs).unref();

    const drain = httpDrain.get();
    if (drain) {
      const { cut } = await drain(Math.max(500, deadlineMs - FLUSH_RESERVE_MS));
      logger().info({ cut_requests: cut, ms: Date.now() - started }, 'HTTP drained');
    }
    await Promise.all([stopUsageFlusher(deadline - 250), runShutdownHooks()]);
    await getDatabase()
      .close()
      .catch((error) => logError(error, 'closing the database failed'));
    logger().info({ ms: Date.now() - started }, 'stopped');
    process.exit(code);
  })());
}

/** Pool use and the webhook queue, read at scrape time (one query each, bounded by the timeouts). */
function registerDatabaseMetrics(): void {
  let up = 1;
  readGauge('crm_database_up', '1 when the last scrape-time query reached the database, else 0.', () => up);
  readGauge(
    'crm_db_pool_in_use',
    "This instance's database connections running a query (PostgreSQL; pg_stat_activity).",
    async () => {
      const handle = getDatabase();
      if (!handle.sql) return 0;
      try {
        const [row] = await handle.sql<{ busy: number }[]>`
          select count(*)::int as busy from pg_stat_activity
          where application_name = ${handle.applicationName ?? ''} and state <> 'idle'`;
        up = 1;
        // Minus this very query.
        return Math.max(0, row.busy - 1);
      } catch {
        up = 0;
        return 0;
      }
    },
  );
  readGauge('crm_db_pool_max', 'Connections the pool may open.', () => (getDatabase().sql ? 10 : 1));
  readGauge('crm_webhook_queue_depth', 'Webhook deliveries waiting to be sent (pending).', async () => {
    try {
      const result = await getDatabase().db.execute<{ n: number }>(
        sql`select count(*)::int as n from webhook_deliveries where status = 'pending'`,
      );
      return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
    } catch {
      return 0;
    }
  });
}
