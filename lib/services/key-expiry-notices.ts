import 'server-only';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { apiKeys } from '@/db/schema';
import {
  claimExpiryNotice,
  findKeysDueExpiryNotice,
  pruneExpiryNotices,
} from '@/db/queries/key-expiry-notices';
import { logError } from '@/lib/log';
import { forgetProcessSingleton, processSingleton } from '@/lib/process-singleton';
import { onShutdown } from '@/lib/shutdown';
import { webhookConfig } from '@/lib/webhooks/config';
import { getApiKeyViewAsSystem } from './api-keys';
import { emitKeyEvent } from './key-events';
import { closeEndedRotations } from './key-rotation';

/**
 * api_key.expiring: 7 days and 1 day before a key's expires_at, each notice once per expiry.
 *
 * No cron: every app instance sweeps every WEBHOOKS_KEY_SWEEP_MS (default one minute) from its
 * background work (lib/lifecycle.ts). Several instances sweep the same keys; each notice is claimed
 * by inserting its row (key, notice, expiry) with ON CONFLICT DO NOTHING in the transaction that
 * queues the event, so exactly one instance sends it, and a crash before the commit sends nothing and
 * leaves the notice for the next sweep. A changed expiry has no rows yet: it earns its notices again.
 */
export const EXPIRY_NOTICE_DAYS = [7, 1] as const;
type NoticeDays = (typeof EXPIRY_NOTICE_DAYS)[number];
const BATCH = 100;

/** One sweep: claim and queue the notices due at `now`. Returns how many were sent. */
export async function sendExpiryNotices(now = new Date()): Promise<number> {
  const due = await findKeysDueExpiryNotice({ now, daysBefore: EXPIRY_NOTICE_DAYS, limit: BATCH });
  let sent = 0;
  for (const notice of due) {
    const claimed = await db.transaction(async (tx) => {
      // The key's row lock: an expiry being changed right now either commits first (then this notice
      // is about an old expiry and is dropped) or waits until the notice is queued.
      const [key] = await tx
        .select({ status: apiKeys.status, expiresAt: apiKeys.expiresAt })
        .from(apiKeys)
        .where(eq(apiKeys.id, notice.id))
        .for('update');
      if (!key || key.status !== 'active' || key.expiresAt?.getTime() !== notice.expiresAt.getTime()) {
        return false;
      }
      if (!(await claimExpiryNotice({ apiKeyId: notice.id, ...notice, db: tx }))) return false;
      await emitKeyEvent(tx, await getApiKeyViewAsSystem(tx, notice.id), 'expiring', {
        expires_at: notice.expiresAt.toISOString(),
        days_before: notice.daysBefore as NoticeDays,
      });
      return true;
    });
    if (claimed) sent++;
  }
  await pruneExpiryNotices();
  return sent;
}

type Sweeper = { stop: () => Promise<void> };

/**
 * The periodic sweep of this process (started by lib/lifecycle.ts beside the webhook worker, and off
 * when the worker is): expiry notices, and the bookkeeping of rotations whose overlap has passed
 * (lib/services/key-rotation.ts: the old secret stopped working at its moment regardless).
 */
export function startKeyEventSweep(): Sweeper | null {
  // Null (switched off) is not kept: the next call looks at the configuration again.
  return processSingleton('key-event-sweep', createKeyEventSweep);
}

function createKeyEventSweep(): Sweeper | null {
  const config = webhookConfig();
  if (!config.workerEnabled || config.keySweepMs === 0) return null;
  let running: Promise<void> | null = null;
  let failing = false;
  const sweep = () => {
    if (running) return;
    running = (async () => {
      try {
        await sendExpiryNotices();
        await closeEndedRotations();
        failing = false;
      } catch (error) {
        // Once per run of failures (the database may be away for a while); the next sweep tries again.
        if (!failing) logError(error, 'key event sweep failed, trying again');
        failing = true;
      } finally {
        running = null;
      }
    })();
  };
  // Instances started together do not all sweep in the same second.
  const first = setTimeout(sweep, Math.round(Math.random() * Math.min(config.keySweepMs, 5000)));
  first.unref();
  const timer = setInterval(sweep, config.keySweepMs);
  timer.unref();
  const sweeper: Sweeper = {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
      forgetProcessSingleton('key-event-sweep');
    },
  };
  onShutdown(sweeper.stop);
  return sweeper;
}
