/**
 * Usage counts survive a graceful stop. The built app is started on a database of its own with the
 * periodic flush an hour away, so the only write that can happen is the one on SIGTERM; N requests
 * are made, the process is stopped, and the database must then hold exactly N.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { expect, test } from '@playwright/test';
import { openDatabase, type DatabaseHandle } from '../db/index';
import { apiKeys, apiKeyTenants, keyAccessLog, keyUsageHourly, organisations } from '../db/schema';
import { issueSecret } from '../lib/keys/issue';
import { createTestDatabase } from '../test/postgres-admin';
import { PORTS } from './config';

type Target = { url?: string; dataDir: string; cleanup: () => Promise<void> };

async function freshDatabase(mode: 'pglite' | 'postgres'): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-shutdown-'));
  if (mode === 'pglite') {
    return { dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const created = await createTestDatabase(process.env.DATABASE_URL!, 'shutdown');
  return {
    url: created.url,
    dataDir,
    cleanup: async () => {
      await created.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Open the test's database from this process (only while the app is not running, for PGlite). */
async function withDatabase<T>(target: Target, fn: (h: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = openDatabase({ url: target.url, dataDir: target.dataDir });
  try {
    await handle.ready;
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

function startApp(target: Target, port: number): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: '1',
    AUTH_SECRET: 'shutdown-secret-shutdown-secret-shutdown',
    NEXTAUTH_URL: `http://localhost:${port}`,
    DATA_DIR: target.dataDir,
    // The periodic flush cannot run during the test: only the shutdown flush can write the counts.
    USAGE_FLUSH_MS: '3600000',
  };
  if (target.url) env.DATABASE_URL = target.url;
  else delete env.DATABASE_URL;
  delete env.NEXT_MANUAL_SIG_HANDLE;
  const child = spawn(process.execPath, ['server.mjs'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  return { child, output: () => log };
}

async function waitUntilUp(baseURL: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited early with ${child.exitCode}`);
    const ok = await fetch(`${baseURL}/crm/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('no count is lost when the app is stopped with SIGTERM', async ({}, testInfo) => {
  test.setTimeout(180_000);
  const mode = testInfo.project.name === 'api:postgres' ? 'postgres' : 'pglite';
  const port = PORTS.pglite + (mode === 'pglite' ? 2 : 3);
  const baseURL = `http://localhost:${port}`;
  const target = await freshDatabase(mode);
  let app: ReturnType<typeof startApp> | undefined;
  try {
    // A key holding customers:read only: /crm/me succeeds, the usage endpoint (api_keys:read) is denied.
    const { secret, columns } = issueSecret('integration');
    const keyId = await withDatabase(target, async ({ db }) => {
      const [org] = await db
        .insert(organisations)
        .values({ name: 'Shutdown Ltd', slug: 'shutdown' })
        .returning();
      const [key] = await db
        .insert(apiKeys)
        .values({
          organisationId: org.id,
          name: 'Shutdown test',
          ...columns,
          permissions: ['customers:read'],
        })
        .returning();
      await db.insert(apiKeyTenants).values({ apiKeyId: key.id, organisationId: org.id });
      return key.id;
    });

    app = startApp(target, port);
    await waitUntilUp(baseURL, app.child);

    const SUCCESSES = 37;
    const DENIALS = 13;
    const headers = { 'X-API-KEY': secret, 'User-Agent': 'shutdown-test' };
    const statuses: number[] = [];
    for (let i = 0; i < SUCCESSES; i++) statuses.push((await fetch(`${baseURL}/crm/me`, { headers })).status);
    for (let i = 0; i < DENIALS; i++) {
      statuses.push((await fetch(`${baseURL}/crm/api-keys/${keyId}/usage`, { headers })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(SUCCESSES);
    expect(statuses.filter((s) => s === 403)).toHaveLength(DENIALS);

    if (target.url) {
      // On PostgreSQL we can look while the app runs: nothing has been written yet.
      const before = await withDatabase(target, ({ db }) => db.select().from(keyUsageHourly));
      expect(before).toEqual([]);
    }

    const exited = new Promise<number | null>((resolve) => app!.child.once('exit', (code) => resolve(code)));
    app.child.kill('SIGTERM');
    const code = await exited;
    expect(code, app.output()).toBe(143);
    expect(app.output()).toContain(`usage: wrote ${SUCCESSES + DENIALS} request counts at shutdown`);

    await withDatabase(target, async ({ db }) => {
      const [sums] = await db
        .select({
          success: sql<number>`coalesce(sum(${keyUsageHourly.success}), 0)::int`,
          denied: sql<number>`coalesce(sum(${keyUsageHourly.denied}), 0)::int`,
          rateLimited: sql<number>`coalesce(sum(${keyUsageHourly.rateLimited}), 0)::int`,
        })
        .from(keyUsageHourly)
        .where(eq(keyUsageHourly.keyId, keyId));
      expect({
        success: Number(sums.success),
        denied: Number(sums.denied),
        rateLimited: Number(sums.rateLimited),
      }).toEqual({
        success: SUCCESSES,
        denied: DENIALS,
        rateLimited: 0,
      });
      const [key] = await db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
      expect(key.lastUsedAt).not.toBeNull();
      const log = await db.select().from(keyAccessLog).where(eq(keyAccessLog.keyId, keyId));
      expect(log).toHaveLength(SUCCESSES + DENIALS);
      expect(log.every((e) => e.userAgent === 'shutdown-test')).toBe(true);
    });
  } finally {
    if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
    await target.cleanup();
  }
});
