/**
 * `npm run bench`: what key checking costs, against the production build (`next start`).
 * Prints a table; commits and keeps nothing (fresh databases and data folders, dropped at the end).
 *
 *   1. GET /crm/me (key checked, cache hit) vs GET /ping (no key): throughput, p50, p99
 *   2. the same with the key cache off (every check is a database lookup: the cold path)
 *   3. 1,000 vs 1,000,000 keys: cache-miss throughput and the first page of the key list
 *   4. revocation propagation: revoke through instance A while polling instance B
 *   5. a flood of random well-formed keys: the database's query rate
 *   6. admin list with 100,000 keys in one organisation, over HTTP: first page, searches, every
 *      status filter and sort, a deep page by cursor and by offset (p50 of sequential requests)
 *   7. RSS and V8 heap of one instance sampled ten times during a mixed load (BENCH_SOAK_S seconds)
 *   8. the list queries and summary widgets in-process (scripts/bench-api-key-list.ts), on
 *      PostgreSQL and on PGlite
 *   9. per-key rate limit: GET /crm/me with a limited key (a limit never reached) vs an unlimited
 *      key, and a key over its limit (refused from memory); counters in PostgreSQL, then in Redis
 *      when one answers (REDIS_URL, default redis://127.0.0.1:6379)
 * Every twin comparison runs in alternating rounds (ping, me, me, ping, …) and reports medians.
 * PGlite: 1–2 and 8.
 *
 * Env: BENCH_SECONDS per round (default 3), BENCH_ROUNDS (default 9), BENCH_CONNECTIONS (20),
 * BENCH_PORT (first of three ports, default 4400), BENCH_SOAK_S (default 30; 600 for the 10-minute
 * memory target), BENCH_PGLITE=0 and BENCH_IN_PROCESS=0 (skip those parts), BENCH_BIG_KEYS
 * (default 1,000,000), BENCH_LIST_KEYS (default 100,000), DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test; only used to create and drop the bench databases),
 * BENCH_ONLY=ratelimit (only section 9, on PostgreSQL), BENCH_ONLY=keycheck (only 1 and 2, on PostgreSQL).
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../db/index';
import { apiKeys, apiKeyTenants, organisations } from '../db/schema';
import { seedIfEmpty } from '../db/seed';
import { generateKey } from '../lib/keys/format';
import { issueSecret } from '../lib/keys/issue';
import { readEnv } from '../lib/env';
import { API_KEY_STATUS_FILTERS } from '../lib/validation/api-keys';
import { createTestDatabase } from '../test/postgres-admin';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
// Nine: single 3 s rounds of the same endpoint swing by ±20% on this machine (docs/performance.md).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const BASE_PORT = Number(process.env.BENCH_PORT ?? 4400);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 30);
const BIG_KEYS = Number(process.env.BENCH_BIG_KEYS ?? 1_000_000);
const LIST_KEYS = Number(process.env.BENCH_LIST_KEYS ?? 100_000);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// The bench's own setup (bulk inserts of 100,000 keys, each through the derived-column triggers) is one
// long statement; the app's 5 s statement timeout cancelled it on a loaded machine. The servers it
// starts keep the timeout they were given.
const SERVER_STATEMENT_TIMEOUT_MS = process.env.DATABASE_STATEMENT_TIMEOUT_MS;
process.env.DATABASE_STATEMENT_TIMEOUT_MS = '600000';
// BENCH_PGLITE=0 / BENCH_IN_PROCESS=0 leave out the PGlite runs / section 8 (both default on).
const PGLITE = process.env.BENCH_PGLITE !== '0';
const IN_PROCESS = process.env.BENCH_IN_PROCESS !== '0';
const ONLY = process.env.BENCH_ONLY;

type Row = {
  scenario: string;
  db: string;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  note?: string;
};
type Load = { rps: number; p50: number; p99: number };
const rows: Row[] = [];
const notes: string[] = [];
const children: ChildProcess[] = [];

function log(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

async function startServer(port: number, env: Record<string, string | undefined>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['server.mjs'], {
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-00',
      DEMO: '0',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      DATABASE_STATEMENT_TIMEOUT_MS: SERVER_STATEMENT_TIMEOUT_MS,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  // Generous: on a shared machine under load (average 30+ on 2 cores) `next start` took over 90 s.
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/crm/health`);
      if (res.ok) return child;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`server on ${port} exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}

async function load(url: string, headers: Record<string, string> = {}, seconds = SECONDS): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} non-2xx responses`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function pct(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * The twin endpoints in alternating rounds (ping/me, then me/ping, …), so background noise hits both
 * alike; medians of each figure, and the median of the per-round ratios.
 */
async function compare(scenario: string, dbName: string, port: number, key: string) {
  const base = `http://127.0.0.1:${port}`;
  const ping = () => load(`${base}/ping`);
  const me = () => load(`${base}/crm/me`, { 'x-api-key': key });
  await load(`${base}/ping`, {}, 2);
  await load(`${base}/crm/me`, { 'x-api-key': key }, 2);
  const p: Load[] = [];
  const m: Load[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      p.push(await ping());
      m.push(await me());
    } else {
      m.push(await me());
      p.push(await ping());
    }
  }
  const med = (xs: Load[]): Load => ({
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
  });
  const pm = med(p);
  const mm = med(m);
  const rpsRatio = median(m.map((x, i) => x.rps / p[i].rps));
  const p99Ratio = median(m.map((x, i) => x.p99 / Math.max(p[i].p99, 1)));
  rows.push({ scenario, db: dbName, target: 'GET /ping (unprotected)', ...pm });
  rows.push({
    scenario,
    db: dbName,
    target: 'GET /crm/me (key checked)',
    ...mm,
    note: `${rpsRatio.toFixed(2)}× throughput, p99 ${p99Ratio.toFixed(2)}× (medians of ${ROUNDS} rounds)`,
  });
  return { ping: pm, me: mm, rpsRatio, p99Ratio };
}

/** Like load, but counts statuses instead of failing on non-2xx (a refused key's load). */
async function loadCounting(url: string, headers: Record<string, string>, seconds = SECONDS) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    refused: result['4xx'],
  };
}

/** Section 9 on its own servers: the counters in PostgreSQL, then (if one answers) in Redis. */
async function perKeyRateLimits(
  db: DatabaseHandle['db'],
  organisationId: string,
  unlimited: string,
  url: string,
  dbName: string,
  port: number,
) {
  // Far above what one instance serves in a minute (inserted directly: the API caps it at 100,000).
  const limited = await insertKey(db, organisationId, ['customers:read'], 'bench limited', 1_000_000_000);
  const exhausted = await insertKey(db, organisationId, ['customers:read'], 'bench exhausted', 1);
  const pg = await startServer(port, { DATABASE_URL: url, REDIS_URL: '' });
  await rateLimitCost('PostgreSQL', port, unlimited, limited.secret, exhausted.secret, BASE_URL, dbName);
  await stopServer(pg);
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redisUp = await new Promise<boolean>((resolve) => {
    const socket = net.connect({
      host: new URL(redisUrl).hostname,
      port: Number(new URL(redisUrl).port || 6379),
    });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
  if (!redisUp) return log('9. no Redis answers: skipping the REDIS_URL run');
  const redis = await startServer(port, { DATABASE_URL: url, REDIS_URL: redisUrl });
  await rateLimitCost('Redis', port, unlimited, limited.secret, exhausted.secret, BASE_URL, dbName);
  await stopServer(redis);
}

/**
 * 9. The per-key rate limit's cost on the hot path: GET /crm/me with a key whose limit is never
 * reached (every request spends a point: one INSERT … ON CONFLICT … RETURNING in rate_limits)
 * against the same with a key without a limit (one null check), in alternating rounds; the
 * database's transactions per request for each; then a key over its limit, refused from memory.
 */
async function rateLimitCost(
  store: 'PostgreSQL' | 'Redis',
  port: number,
  unlimited: string,
  limited: string,
  exhausted: string,
  adminUrl: string,
  dbName: string,
) {
  const base = `http://127.0.0.1:${port}`;
  const run = async (key: string) => {
    const before = await dbQueryRate(adminUrl, dbName);
    const l = await loadCounting(`${base}/crm/me`, { 'x-api-key': key });
    const xacts = (await dbQueryRate(adminUrl, dbName)) - before;
    if (l.refused) throw new Error(`${l.refused} refusals: the limit is meant never to be reached`);
    return { ...l, perRequest: xacts / Math.max(l.ok, 1) };
  };
  await run(unlimited);
  await run(limited);
  const u: Awaited<ReturnType<typeof run>>[] = [];
  const m: Awaited<ReturnType<typeof run>>[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      u.push(await run(unlimited));
      m.push(await run(limited));
    } else {
      m.push(await run(limited));
      u.push(await run(unlimited));
    }
  }
  const med = (xs: typeof u) => ({
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
  });
  const rpsRatio = median(m.map((x, i) => x.rps / u[i].rps));
  const p50Delta = median(m.map((x, i) => x.p50 - u[i].p50));
  rows.push({
    scenario: `9. per-key rate limit, ${store} store`,
    db: 'PostgreSQL',
    target: 'GET /crm/me, key without a limit',
    ...med(u),
    note: `${median(u.map((x) => x.perRequest)).toFixed(3)} db transactions a request`,
  });
  rows.push({
    scenario: `9. per-key rate limit, ${store} store`,
    db: 'PostgreSQL',
    target: 'GET /crm/me, limited key (never reached)',
    ...med(m),
    note:
      `${rpsRatio.toFixed(2)}× throughput, p50 ${p50Delta >= 0 ? '+' : ''}${p50Delta.toFixed(1)} ms; ` +
      `${median(m.map((x) => x.perRequest)).toFixed(3)} db transactions a request (medians of ${ROUNDS} rounds)`,
  });
  // Over its limit: the first refusal asks the store, the rest of the minute is answered from memory.
  await fetch(`${base}/crm/me`, { headers: { 'x-api-key': exhausted } });
  const before = await dbQueryRate(adminUrl, dbName);
  const r = await loadCounting(`${base}/crm/me`, { 'x-api-key': exhausted });
  const xacts = (await dbQueryRate(adminUrl, dbName)) - before;
  rows.push({
    scenario: `9. per-key rate limit, ${store} store`,
    db: 'PostgreSQL',
    target: 'GET /crm/me, key over its limit (429)',
    rps: r.rps,
    p50: r.p50,
    p99: r.p99,
    note: `${r.refused.toLocaleString('en')} refused, ${r.ok} allowed; ${(xacts / Math.max(r.refused + r.ok, 1)).toFixed(3)} db transactions a request (one round)`,
  });
}

async function insertKey(
  db: DatabaseHandle['db'],
  organisationId: string,
  permissions: string[],
  name: string,
  rateLimitPerMinute: number | null = null,
) {
  const { secret, columns } = issueSecret('integration');
  const [row] = await db
    .insert(apiKeys)
    .values({ organisationId, name, ...columns, permissions, rateLimitPerMinute })
    .returning({ id: apiKeys.id });
  await db.insert(apiKeyTenants).values({ apiKeyId: row.id, organisationId });
  return { id: row.id, secret };
}

/**
 * Bulk keys, 100k per statement: random hashes (never usable: nobody knows a preimage), spread over
 * statuses, expiries, last use and names like a long-lived organisation's.
 */
async function bulkKeys(
  db: DatabaseHandle['db'],
  organisationId: string,
  n: number,
  tag: string,
  creatorId: string | null = null,
) {
  for (let done = 0; done < n; done += 100_000) {
    const batch = Math.min(100_000, n - done);
    await db.execute(sql`
      insert into api_keys (organisation_id, name, description, key_hash, prefix, last_four, permissions,
                            status, expires_at, last_used_at, created_by_user_id, created_at)
      select ${organisationId}::uuid, ${tag} || '-' || ${done} || '-' || g,
             'Key number ' || g || case when g % 50 = 0 then ' billing' else '' end,
             encode(sha256((random()::text || clock_timestamp()::text || g)::bytea), 'hex'),
             'sk_live_', lpad(to_hex(g % 65536), 4, '0'), '{customers:read}'::text[],
             case when g % 20 = 0 then 'revoked' when g % 13 = 0 then 'disabled' else 'active' end,
             case when g % 4 = 0 then null else now() + ((g % 400) - 30) * interval '1 day' end,
             case when g % 3 = 0 then null else now() - (g % 90) * interval '1 day' end,
             ${creatorId}::uuid, now() - (g % 1000) * interval '1 hour'
      from generate_series(1, ${batch}) g`);
  }
  // A long-lived table is vacuumed (autovacuum): counts can then read the indexes only.
  await db.execute(sql`vacuum analyze api_keys`);
}

async function dbQueryRate(adminUrl: string, dbName: string) {
  const s = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await s<
      { x: string }[]
    >`select (xact_commit + xact_rollback)::text as x from pg_stat_database where datname = ${dbName}`;
    return Number(row?.x ?? 0);
  } finally {
    await s.end();
  }
}

async function revocationPropagation(
  portA: number,
  portB: number,
  adminKey: string,
  db: DatabaseHandle['db'],
  orgId: string,
  n = 20,
) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const { id, secret } = await insertKey(db, orgId, ['customers:read'], `propagation-${i}-${Date.now()}`);
    // Warm B's cache with the key.
    for (let j = 0; j < 3; j++)
      await fetch(`http://127.0.0.1:${portB}/crm/me`, { headers: { 'x-api-key': secret } });
    let refusedAt = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          const res = await fetch(`http://127.0.0.1:${portB}/crm/me`, { headers: { 'x-api-key': secret } });
          await res.arrayBuffer();
          if (res.status === 401) {
            refusedAt = performance.now();
            return;
          }
        } catch {
          return;
        }
      }
    })();
    const started = performance.now();
    const revoke = await fetch(`http://127.0.0.1:${portA}/crm/api-keys/${id}/revoke`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey },
    });
    if (!revoke.ok) throw new Error(`revoke through A failed: ${revoke.status} ${await revoke.text()}`);
    const deadline = started + 10_000;
    while (!refusedAt && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    polling = false;
    await poller;
    times.push(refusedAt ? refusedAt - started : Infinity);
  }
  return times;
}

async function flood(port: number, adminUrl: string, dbName: string, seconds = 5) {
  const idleBefore = await dbQueryRate(adminUrl, dbName);
  await new Promise((r) => setTimeout(r, 2000));
  const idle = ((await dbQueryRate(adminUrl, dbName)) - idleBefore) / 2;
  const before = await dbQueryRate(adminUrl, dbName);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/crm/me`,
    connections: 50,
    duration: seconds,
    overallRate: 10_000,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          headers: { ...(req.headers as Record<string, string>), 'x-api-key': generateKey('integration') },
        }),
      },
    ] as never,
  });
  const during = ((await dbQueryRate(adminUrl, dbName)) - before) / seconds;
  return { sent: result.requests.average, status401: result['4xx'], idle, during };
}

/** p50 and p95 of sequential GET /crm/api-keys requests: the server's time plus a local round trip. */
async function listTiming(port: number, adminKey: string, query: string, n = 15) {
  const run = async () => {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/crm/api-keys?${query}`, {
      headers: { 'x-api-key': adminKey },
    });
    const body = (await res.json()) as { next_cursor?: string | null };
    if (!res.ok) throw new Error(`list ${query} failed: ${res.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, next: body.next_cursor ?? null };
  };
  await run();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await run()).ms);
  return { p50: pct(times, 50), p95: pct(times, 95) };
}

function rss(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const METRICS_TOKEN = 'bench-metrics-token-bench-metrics-token';

/** The instance's V8 heap in use (GET /metrics), MB. */
async function heapUsedMb(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await res.text();
  const match = /^crm_nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
  return match ? Number(match[1]) / 1024 / 1024 : NaN;
}

function signed(mb: number): string {
  return `${mb >= 0 ? '+' : ''}${mb.toFixed(0)}`;
}

/** A mix of what an instance serves: key checks, list pages, unknown keys, the unprotected twin. */
async function soak(port: number, clientKey: string, adminKey: string, seconds: number) {
  const base = `http://127.0.0.1:${port}`;
  const result = await autocannon({
    url: base,
    connections: 10,
    duration: seconds,
    requests: [
      { method: 'GET', path: '/crm/me', headers: { 'x-api-key': clientKey } },
      { method: 'GET', path: '/crm/api-keys?limit=20', headers: { 'x-api-key': adminKey } },
      {
        method: 'GET',
        path: '/crm/me',
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          headers: { 'x-api-key': generateKey('integration') },
        }),
      },
      { method: 'GET', path: '/ping' },
    ] as never,
  });
  return result.requests.total;
}

/** The in-process list and widget figures (scripts/bench-api-key-list.ts) on one database. */
function listBench(env: Record<string, string | undefined>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'scripts/bench-api-key-list.ts'],
      {
        env: { ...process.env, NODE_OPTIONS: '--conditions=react-server', KEYS: String(LIST_KEYS), ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`list bench: ${code}`))));
  });
}

const STATUS_VIEWS = API_KEY_STATUS_FILTERS.filter((status) => status !== 'all');
const SORT_VIEWS = ['name', 'expires', 'last_used', 'created_by'];

async function main() {
  if (!existsSync('.next/BUILD_ID')) {
    log('no production build: running next build');
    execSync('npx next build', { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  }
  nextVersion = JSON.parse(readFileSync('node_modules/next/package.json', 'utf8')).version;
  pgVersion = await (async () => {
    const s = postgres(BASE_URL, { max: 1, onnotice: () => {} });
    try {
      return (await s`show server_version`)[0].server_version as string;
    } finally {
      await s.end();
    }
  })();

  // ---------- PostgreSQL ----------
  log('PostgreSQL: fresh database, seeding');
  const created = await createTestDatabase(BASE_URL, 'bench');
  const dbName = new URL(created.url).pathname.slice(1);
  const handle = openDatabase({ url: created.url, dataDir: '' });
  await handle.ready;
  await seedIfEmpty(handle.db, { ...readEnv(), DEMO: '1', DEMO_PASSWORD: 'bench-password' });
  const [acme] = await handle.db
    .select()
    .from(organisations)
    .where(sql`slug = 'acme'`);
  const [globex] = await handle.db
    .select()
    .from(organisations)
    .where(sql`slug = 'globex'`);
  const [big] = await handle.db
    .insert(organisations)
    .values({ name: 'Bench bulk', slug: `bench-bulk-${Date.now()}` })
    .returning();
  const client = await insertKey(handle.db, acme.id, ['customers:read'], 'bench client');
  const admin = await insertKey(handle.db, acme.id, ['admin'], 'bench admin');
  const listAdmin = await insertKey(handle.db, globex.id, ['admin'], 'bench list admin');
  const existing = Number((await handle.db.select({ n: sql<number>`count(*)::int` }).from(apiKeys))[0].n);
  await bulkKeys(handle.db, acme.id, 1000 - existing, 'small');

  const portA = BASE_PORT;
  const portB = BASE_PORT + 1;
  const portOff = BASE_PORT + 2;
  if (ONLY === 'ratelimit') {
    try {
      log('9. per-key rate limit');
      await perKeyRateLimits(handle.db, acme.id, client.secret, created.url, dbName, portA);
    } finally {
      await handle.close();
      await created.drop();
    }
    return;
  }
  try {
    log('1. cache on, PostgreSQL');
    const a = await startServer(portA, { DATABASE_URL: created.url, METRICS_TOKEN });
    await compare('1. key check (cache hit)', 'PostgreSQL', portA, client.secret);

    log('2. cache off, 1,000 keys');
    const off = await startServer(portOff, { DATABASE_URL: created.url, KEY_CACHE: 'off' });
    const small = await compare(
      '2. cache miss (KEY_CACHE=off), 1,000 keys',
      'PostgreSQL',
      portOff,
      client.secret,
    );
    if (ONLY === 'keycheck') return;
    const firstSmall = await listTiming(portA, admin.secret, 'limit=20');

    log('4. revocation propagation (two instances)');
    const b = await startServer(portB, { DATABASE_URL: created.url });
    const times = await revocationPropagation(portA, portB, admin.secret, handle.db, acme.id);
    rows.push({
      scenario: '4. revocation A → B refused',
      db: 'PostgreSQL',
      target: `${times.length} revocations`,
      rps: NaN,
      p50: pct(times, 50),
      p99: pct(times, 99),
      note: `max ${Math.max(...times).toFixed(1)} ms`,
    });

    log('5. flood of random well-formed keys');
    const f = await flood(portB, BASE_URL, dbName);
    rows.push({
      scenario: '5. flood of random keys',
      db: 'PostgreSQL',
      target: 'GET /crm/me, random keys',
      rps: f.sent,
      p50: NaN,
      p99: NaN,
      note: `db transactions/s: idle ${f.idle.toFixed(1)}, during flood ${f.during.toFixed(1)}`,
    });
    await stopServer(b);

    log(`3. scale: ${BIG_KEYS.toLocaleString('en')} keys (bulk insert, vacuum)`);
    await stopServer(off);
    const [creator] = (await handle.db.execute(
      sql`select id from users where organisation_id = ${globex.id} order by email limit 1`,
    )) as unknown as { id: string }[];
    await bulkKeys(handle.db, globex.id, LIST_KEYS, 'globex', creator?.id ?? null);
    await bulkKeys(handle.db, big.id, Math.max(0, BIG_KEYS - 1000 - LIST_KEYS - 1), 'big');
    const total = Number((await handle.db.select({ n: sql<number>`count(*)::int` }).from(apiKeys))[0].n);
    const off2 = await startServer(portOff, { DATABASE_URL: created.url, KEY_CACHE: 'off' });
    const large = await compare(
      `3. cache miss (KEY_CACHE=off), ${total.toLocaleString('en')} keys`,
      'PostgreSQL',
      portOff,
      client.secret,
    );
    await stopServer(off2);
    const firstLarge = await listTiming(portA, admin.secret, 'limit=20');
    rows.push({
      scenario: `3. scale 1,000 → ${total.toLocaleString('en')} keys`,
      db: 'PostgreSQL',
      target: 'cache-miss throughput, first page',
      rps: NaN,
      p50: firstLarge.p50,
      p99: NaN,
      note:
        `miss ÷ /ping ${small.rpsRatio.toFixed(2)}× → ${large.rpsRatio.toFixed(2)}×; ` +
        `first page p50 ${firstSmall.p50.toFixed(1)} → ${firstLarge.p50.toFixed(1)} ms`,
    });

    log(`6. admin list with ${LIST_KEYS.toLocaleString('en')} keys, over HTTP`);
    const views: [string, string][] = [
      ['first page', 'limit=20'],
      ['search name "-4242"', `q=${encodeURIComponent('-4242')}`],
      ['search description "billing"', 'q=billing'],
      ['search visible identifier "…00ff"', `q=${encodeURIComponent('…00ff')}`],
      ...STATUS_VIEWS.map((s): [string, string] => [`filter ${s}`, `status=${s}`]),
      ...SORT_VIEWS.flatMap((s): [string, string][] => [
        [`sort ${s} asc`, `sort=${s}&order=asc`],
        [`sort ${s} desc`, `sort=${s}&order=desc`],
      ]),
      ['page 2,000 by offset', 'page=2000'],
    ];
    for (const [label, query] of views) {
      const t = await listTiming(portA, listAdmin.secret, query);
      rows.push({
        scenario: '6. admin list, HTTP',
        db: 'PostgreSQL',
        target: label,
        rps: NaN,
        ...t,
        p99: t.p95,
        note: 'p95 in the p99 column',
      });
    }
    // A cursor deep in the list: walk there through the index with SQL, then ask for the page after.
    const [deep] = (await handle.db.execute(sql`
      select created_at::text as value, id from api_keys
      where organisation_id = ${globex.id} and kind = 'integration'
      order by created_at desc, id desc offset ${LIST_KEYS - 21} limit 1`)) as unknown as {
      value: string;
      id: string;
    }[];
    const cursor = Buffer.from(
      JSON.stringify(['created', 'desc', 'all', '', Math.ceil(LIST_KEYS / 20), deep.value, deep.id]),
    ).toString('base64url');
    const t = await listTiming(portA, listAdmin.secret, `cursor=${cursor}`);
    rows.push({
      scenario: '6. admin list, HTTP',
      db: 'PostgreSQL',
      target: `page ${Math.ceil(LIST_KEYS / 20).toLocaleString('en')} by cursor`,
      rps: NaN,
      ...t,
      p99: t.p95,
      note: 'p95 in the p99 column',
    });

    log(`7. RSS during ${SOAK_S} s of mixed load`);
    await soak(portA, client.secret, admin.secret, Math.min(5, SOAK_S));
    // Sampled in ten slices, not only before and after: a plateau (bounded caches filling, the heap
    // settling) and a leak look alike at two points, not at ten.
    const slices = 10;
    const samples = [{ rss: rss(a), heap: await heapUsedMb(portA) }];
    let served = 0;
    for (let i = 0; i < slices; i++) {
      served += await soak(portA, client.secret, admin.secret, Math.max(1, Math.round(SOAK_S / slices)));
      samples.push({ rss: rss(a), heap: await heapUsedMb(portA) });
    }
    await new Promise((r) => setTimeout(r, 6000)); // a usage flush
    const mid = samples[slices / 2];
    const last = samples[slices];
    rows.push({
      scenario: '7. memory, mixed load',
      db: 'PostgreSQL',
      target: `RSS after warm-up → after ${SOAK_S} s`,
      rps: NaN,
      p50: NaN,
      p99: NaN,
      note:
        `${samples[0].rss.toFixed(0)} MB → ${last.rss.toFixed(0)} MB (${served.toLocaleString('en')} requests); ` +
        `second half ${signed(last.rss - mid.rss)} MB RSS, ${signed(last.heap - mid.heap)} MB heap used`,
    });
    notes.push(
      `7. memory every ${Math.round(SOAK_S / slices)} s of mixed load (MB), RSS: ${samples.map((x) => x.rss.toFixed(0)).join(', ')}`,
      `   V8 heap used (after the bench's requests, before a GC): ${samples.map((x) => x.heap.toFixed(0)).join(', ')}`,
    );

    await stopServer(a);
    log('9. per-key rate limit');
    await perKeyRateLimits(handle.db, acme.id, client.secret, created.url, dbName, portOff);
  } finally {
    await handle.close();
    await created.drop();
  }

  if (!PGLITE && !IN_PROCESS) return;
  if (IN_PROCESS) log('8. list queries and widgets in-process, PostgreSQL');
  if (IN_PROCESS)
    notes.push(
      `\n8. list queries and summary widgets in-process (${LIST_KEYS.toLocaleString('en')} keys), PostgreSQL:`,
    );
  if (IN_PROCESS) notes.push(await listBench({ DATABASE_URL: BASE_URL }));
  if (!PGLITE) return;

  // ---------- PGlite ----------
  log('PGlite: fresh data folder');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-bench-'));
  try {
    const lite = openDatabase({ dataDir: dir });
    await lite.ready;
    await seedIfEmpty(lite.db, { ...readEnv(), DEMO: '1', DEMO_PASSWORD: 'bench-password' });
    const [org] = await lite.db
      .select()
      .from(organisations)
      .where(sql`slug = 'acme'`);
    const liteKey = await insertKey(lite.db, org.id, ['customers:read'], 'bench client');
    await lite.close();
    const on = await startServer(portA, { DATABASE_URL: '', DATA_DIR: dir });
    await compare('1. key check (cache hit)', 'PGlite', portA, liteKey.secret);
    await stopServer(on);
    const offLite = await startServer(portA, { DATABASE_URL: '', DATA_DIR: dir, KEY_CACHE: 'off' });
    await compare('2. cache miss (KEY_CACHE=off)', 'PGlite', portA, liteKey.secret);
    await stopServer(offLite);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!IN_PROCESS) return;
  log('8. list queries and widgets in-process, PGlite');
  notes.push(
    `\n8. list queries and summary widgets in-process (${LIST_KEYS.toLocaleString('en')} keys), PGlite:`,
  );
  notes.push(await listBench({ DATABASE_URL: '' }));
}

function report(nextVersion: string, pgVersion: string) {
  const cpus = os.cpus();
  console.log(
    `\n${new Date().toISOString()} — ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `Node ${process.version}, Next ${nextVersion}, PostgreSQL ${pgVersion}, PGlite ${JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')).version}`,
  );
  console.log(
    `autocannon: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s per twin, medians, same machine\n`,
  );
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 1) : '–');
  const header = ['scenario', 'db', 'target', 'req/s', 'p50 ms', 'p99 ms', 'note'];
  const table = rows.map((r) => [
    r.scenario,
    r.db,
    r.target,
    fmt(r.rps),
    fmt(r.p50),
    fmt(r.p99),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const t of table) console.log(line(t));
  for (const n of notes) console.log(n);
}

let nextVersion = '?';
let pgVersion = '?';
main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map(stopServer));
    report(nextVersion, pgVersion);
  });
