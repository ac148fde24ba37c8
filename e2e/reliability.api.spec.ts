/**
 * Faults, against the built app on PostgreSQL reached through a TCP proxy the test controls
 * (test/pg-proxy.ts; the machine's PostgreSQL is never stopped):
 *  - a database outage: 503 service_unavailable with Retry-After (never a hang, never a 500) for keys
 *    that need the database, cached keys keep working, readiness fails; recovery at once; every
 *    count the clients were told about reaches the database;
 *  - /metrics behind METRICS_TOKEN;
 *  - drain on SIGTERM: an in-flight request is answered (with Connection: close), an idle keep-alive
 *    connection is closed, new connections are refused, the usage is flushed, exit 143;
 *  - no secret reaches the log: the app's whole stdout/stderr is scanned at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { expect, test } from '@playwright/test';
import { openDatabase } from '../db/index';
import { apiKeys, apiKeyTenants, keyUsageHourly, organisations } from '../db/schema';
import { describeKey, generateKey, hashKey } from '../lib/keys/format';
import { createTestDatabase } from '../test/postgres-admin';
import { PgProxy } from '../test/pg-proxy';
import { HAS_POSTGRES, PORTS } from './config';

const METRICS_TOKEN = 'metrics-token-for-the-reliability-test';
const PASSWORD = 'Pa55word-that-must-never-be-logged';

type Reply = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  socketClosed: () => Promise<void>;
};

/** One request on a given agent (keep-alive), with the socket's fate observable. */
function send(
  port: number,
  path: string,
  headers: Record<string, string>,
  agent?: http.Agent,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      let body = '';
      const socket = res.socket;
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          socketClosed: () =>
            new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r()))),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

test('outage, recovery, metrics, drain and a log without secrets', async ({}, testInfo) => {
  test.skip(!HAS_POSTGRES || testInfo.project.name !== 'api:postgres', 'needs PostgreSQL; runs once');
  test.setTimeout(180_000);
  const port = PORTS.postgres + 23;
  const created = await createTestDatabase(process.env.DATABASE_URL!, 'reliability');
  const proxy = await new PgProxy({ target: created.url }).start(PORTS.postgres + 24);
  let child: ChildProcess | undefined;
  let output = '';
  const direct = openDatabase({ url: created.url, dataDir: '' });
  try {
    await direct.ready;
    const cached = generateKey('integration');
    const uncached = generateKey('integration');
    const [org] = await direct.db
      .insert(organisations)
      .values({ name: 'Faults Ltd', slug: 'faults' })
      .returning();
    for (const [secret, name] of [
      [cached, 'Cached'],
      [uncached, 'Uncached'],
    ]) {
      const [key] = await direct.db
        .insert(apiKeys)
        .values({
          organisationId: org.id,
          name,
          keyHash: hashKey(secret),
          ...describeKey(secret),
          permissions: ['customers:read'],
        })
        .returning();
      await direct.db.insert(apiKeyTenants).values({ apiKeyId: key.id, organisationId: org.id });
    }
    const [cachedKey] = await direct.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.keyHash, hashKey(cached)));

    child = spawn(process.execPath, ['server.mjs'], {
      env: {
        ...process.env,
        DATABASE_URL: proxy.url(created.url),
        PORT: String(port),
        NEXT_TELEMETRY_DISABLED: '1',
        AUTH_SECRET: 'reliability-secret-reliability-secret-00',
        NEXTAUTH_URL: `http://localhost:${port}`,
        DEMO: '0',
        USAGE_FLUSH_MS: '300',
        METRICS_TOKEN,
        SHUTDOWN_DEADLINE_MS: '8000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await expect
      .poll(
        async () => (await fetch(`http://127.0.0.1:${port}/crm/health/ready`).catch(() => null))?.status,
        {
          timeout: 60_000,
        },
      )
      .toBe(200);
    const me = (secret: string) => send(port, '/crm/me', { 'x-api-key': secret });
    let told200 = 0;
    expect((await me(cached)).status).toBe(200);
    told200++;

    // --- The outage.
    await proxy.pause();
    const during: Reply[] = [];
    for (let i = 0; i < 5; i++) during.push(await me(uncached));
    for (const r of during) {
      expect(r.status, r.body).toBe(503);
      expect(JSON.parse(r.body).error.code).toBe('service_unavailable');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    // A key in the cache keeps working; its counts wait in memory.
    for (let i = 0; i < 10; i++) {
      const r = await me(cached);
      expect(r.status, r.body).toBe(200);
      told200++;
    }
    // The key is fine but the request needs the database: 503, and not counted as a successful use.
    for (let i = 0; i < 3; i++) {
      const r = await send(port, '/crm/customers', { 'x-api-key': cached });
      expect(r.status, r.body).toBe(503);
    }
    expect((await send(port, '/crm/health/ready', {})).status).toBe(503);
    expect((await send(port, '/crm/health/live', {})).status).toBe(200);
    // Secrets in play while things fail: a bearer key, and a sign-in with a password.
    await send(port, '/crm/customers', { authorization: `Bearer ${uncached}` });
    const csrf = await fetch(`http://127.0.0.1:${port}/api/auth/csrf`).then((r) =>
      r.json().catch(() => ({})),
    );
    await fetch(`http://127.0.0.1:${port}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrfToken: (csrf as { csrfToken?: string }).csrfToken ?? '',
        email: 'nobody@faults.example',
        password: PASSWORD,
        json: 'true',
      }),
    }).catch(() => null);

    // --- Recovery: the uncached key is answered again as soon as the database is back.
    await proxy.resume();
    await expect
      .poll(async () => (await me(uncached)).status, { timeout: 10_000, intervals: [50] })
      .toBe(200);
    // Every 200 the clients were told about reaches the database.
    await expect
      .poll(
        async () => {
          const [row] = await direct.db
            .select({ n: sql<number>`coalesce(sum(${keyUsageHourly.success}), 0)::int` })
            .from(keyUsageHourly)
            .where(eq(keyUsageHourly.keyId, cachedKey.id));
          return Number(row.n);
        },
        { timeout: 10_000 },
      )
      .toBe(told200);

    // --- Metrics.
    expect((await send(port, '/metrics', {})).status).toBe(401);
    const scrapeMetrics = () => send(port, '/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
    // The listener is back (re-subscribed) moments after the database.
    await expect
      .poll(async () => (await scrapeMetrics()).body, { timeout: 15_000 })
      .toContain('crm_key_listener_connected 1');
    const scrape = await scrapeMetrics();
    expect(scrape.status).toBe(200);
    for (const line of [
      'crm_key_checks_total{outcome="success",reason="ok"}',
      'crm_key_checks_total{outcome="error",reason="service_unavailable"}',
      'crm_key_check_duration_seconds_bucket',
      'crm_key_cache_hits_total',
      'crm_usage_flush_failures_total',
      'crm_usage_flush_lag_seconds',
      'crm_webhook_queue_depth 0',
      'crm_db_pool_in_use',
      'crm_http_requests_total{route="/crm/me",method="GET",status="503"}',
    ]) {
      expect(scrape.body).toContain(line);
    }
    expect(scrape.body).toMatch(/crm_usage_flush_failures_total [1-9]/);

    // --- Drain. An idle keep-alive connection, and a request held in flight by a table lock.
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const idle = await send(port, '/crm/me', { 'x-api-key': cached }, idleAgent);
    expect(idle.status).toBe(200);
    const locker = postgres(created.url, { max: 1, onnotice: () => {} });
    const release = await new Promise<() => void>((resolveRelease) => {
      void locker.begin(async (tx) => {
        await tx.unsafe('lock table customers in access exclusive mode');
        await new Promise<void>((done) => resolveRelease(done));
      });
    });
    const busyAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const inFlight = send(port, '/crm/customers', { 'x-api-key': cached }, busyAgent);
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    await idle.socketClosed();
    await expect
      .poll(async () =>
        send(port, '/crm/health/live', {}).then(
          () => 'accepting',
          () => 'refused',
        ),
      )
      .toBe('refused');
    release();
    const answered = await inFlight;
    expect(answered.status, answered.body).toBe(200);
    expect(answered.headers.connection).toBe('close');
    expect(await exited).toBe(143);
    await locker.end();
    expect(output).toMatch(/usage: wrote \d+ request counts at shutdown/);

    // --- The log: JSON lines, request ids, and no secret, password or query parameter anywhere.
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    const warn = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'database unavailable: 503');
    expect(warn?.request_id).toBeTruthy();
    for (const secret of [cached, uncached, PASSWORD, hashKey(uncached), hashKey(cached), METRICS_TOKEN]) {
      expect(output).not.toContain(secret);
    }
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await proxy.stop();
    await direct.close();
    await created.drop();
  }
});
