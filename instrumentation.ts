// Runs once per server process before it takes requests: migrate, seed on first start, start workers.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { getReadyDatabase } = await import('./db/bootstrap');
  await getReadyDatabase();
  const { startKeyCache } = await import('./lib/key-check/cache');
  await startKeyCache();
  // Sends queued webhook deliveries; a globalThis singleton, so exactly one per process.
  const { startWebhookWorker } = await import('./lib/services/webhook-delivery');
  startWebhookWorker();
  const { readEnv } = await import('./lib/env');
  const { startUsageFlusher } = await import('./lib/services/usage');
  // Usage counts are written in batches every USAGE_FLUSH_MS, and once more on SIGTERM/SIGINT.
  startUsageFlusher(readEnv().USAGE_FLUSH_MS);
}
