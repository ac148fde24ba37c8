/**
 * `npm run bench`: what key checking costs, against the production build (`next start`).
 * Prints a table; commits and keeps nothing (fresh databases, dropped at the end).
 *
 *   1. GET /crm/me (key checked, proxy included) vs GET /ping (no proxy, no key): throughput, p50, p99
 *   2. the same with the key cache off (every check is a database lookup)
 *   3. cache-miss throughput with 1,000 vs 1,000,000 keys in the database
 *   4. revocation propagation: revoke through instance A while polling instance B
 *   5. a flood of random well-formed keys: the database's query rate
 *   6. admin list with 100,000 keys: first page and a search, server time p50
 *
 * Runs on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and, for 1–2,
 * on PGlite. Env: BENCH_SECONDS (default 8), BENCH_CONNECTIONS (default 20), BENCH_PORT (default 3900).
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../db/index';
import { apiKeys, apiKeyTenants, organisations } from '../db/schema';
import { formatCredentials, seedIfEmpty } from '../db/seed';
import { describeKey, generateKey, hashKey } from '../lib/keys/format';
import { readEnv } from '../lib/env';
import { createTestDatabase } from '../test/postgres-admin';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3900);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
void formatCredentials;

type Row = {
  scenario: string;
  db: string;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  note?: string;
};
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
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/crm/health`);
      if (res.ok) return child;
    } catch {
      // not up yet
    }
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

async function load(url: string, headers: Record<string, string> = {}, seconds = SECONDS) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} non-2xx responses`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Interleaved runs of the twin endpoints, so background noise hits both alike. */
async function compare(scenario: string, dbName: string, port: number, key: string, rounds = 2) {
  const base = `http://127.0.0.1:${port}`;
  await load(`${base}/ping`, {}, 2);
  await load(`${base}/crm/me`, { 'x-api-key': key }, 2);
  const ping: { rps: number; p50: number; p99: number }[] = [];
  const me: { rps: number; p50: number; p99: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    ping.push(await load(`${base}/ping`, {}, SECONDS / rounds));
    me.push(await load(`${base}/crm/me`, { 'x-api-key': key }, SECONDS / rounds));
  }
  const avg = (xs: { rps: number; p50: number; p99: number }[]) => ({
    rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length,
    p50: xs.reduce((a, x) => a + x.p50, 0) / xs.length,
    p99: xs.reduce((a, x) => a + x.p99, 0) / xs.length,
  });
  const p = avg(ping);
  const m = avg(me);
  rows.push({ scenario, db: dbName, target: 'GET /ping (unprotected)', ...p });
  rows.push({
    scenario,
    db: dbName,
    target: 'GET /crm/me (key checked)',
    ...m,
    note: `${(m.rps / p.rps).toFixed(2)}× throughput, p99 ${(m.p99 / Math.max(p.p99, 1)).toFixed(2)}×`,
  });
  return { ping: p, me: m };
}

async function insertKey(
  db: DatabaseHandle['db'],
  organisationId: string,
  permissions: string[],
  name: string,
) {
  const secret = generateKey('integration');
  const [row] = await db
    .insert(apiKeys)
    .values({ organisationId, name, keyHash: hashKey(secret), ...describeKey(secret), permissions })
    .returning({ id: apiKeys.id });
  await db.insert(apiKeyTenants).values({ apiKeyId: row.id, organisationId });
  return { id: row.id, secret };
}

/** Bulk keys in one statement per 100k: random hashes, never usable (nobody knows a preimage). */
async function bulkKeys(db: DatabaseHandle['db'], organisationId: string, n: number, tag: string) {
  for (let done = 0; done < n; done += 100_000) {
    const batch = Math.min(100_000, n - done);
    await db.execute(sql`
      insert into api_keys (organisation_id, name, key_hash, prefix, last_four, permissions)
      select ${organisationId}::uuid, ${tag} || '-' || ${done} || '-' || g,
             encode(sha256((random()::text || clock_timestamp()::text || g)::bytea), 'hex'),
             'sk_live_', substr(md5(g::text), 1, 4), '{customers:read}'::text[]
      from generate_series(1, ${batch}) g`);
  }
  await db.execute(sql`analyze api_keys`);
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

function pct(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
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

async function listTiming(port: number, adminKey: string, query: string, n = 20) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/crm/api-keys?${query}`, {
      headers: { 'x-api-key': adminKey },
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`list failed: ${res.status}`);
    times.push(performance.now() - started);
  }
  return pct(times, 50);
}

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
  void readEnv;

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
  const client = await insertKey(handle.db, acme.id, ['customers:read'], 'bench client');
  const admin = await insertKey(handle.db, acme.id, ['admin'], 'bench admin');
  await bulkKeys(handle.db, globex.id, 1000 - 10, 'small');

  const portA = BASE_PORT;
  const portB = BASE_PORT + 1;
  const portOff = BASE_PORT + 2;
  try {
    log('1. cache on, PostgreSQL');
    const a = await startServer(portA, { DATABASE_URL: created.url });
    const pg1 = await compare('1. key check (cache on)', 'PostgreSQL', portA, client.secret);

    log('2./3. cache off, 1,000 keys');
    const off = await startServer(portOff, { DATABASE_URL: created.url, KEY_CACHE: 'off' });
    const pg2 = await compare('2. cache miss (cache off), 1,000 keys', 'PostgreSQL', portOff, client.secret);

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

    log('3. scale: 1,000,000 keys (bulk insert)');
    await stopServer(off);
    await bulkKeys(handle.db, acme.id, 100_000, 'acme');
    await bulkKeys(handle.db, globex.id, 1_000_000 - 100_000 - 1000, 'big');
    const off2 = await startServer(portOff, { DATABASE_URL: created.url, KEY_CACHE: 'off' });
    const pg3 = await compare(
      '3. cache miss (cache off), 1,000,000 keys',
      'PostgreSQL',
      portOff,
      client.secret,
    );
    rows.push({
      scenario: '3. scale 1k → 1M keys',
      db: 'PostgreSQL',
      target: 'cache-miss throughput change',
      rps: NaN,
      p50: NaN,
      p99: NaN,
      note: `${(((pg3.me.rps - pg2.me.rps) / pg2.me.rps) * 100).toFixed(1)}%`,
    });
    await stopServer(off2);

    log('6. admin list with 100,000 keys');
    const first = await listTiming(portA, admin.secret, 'limit=20');
    const search = await listTiming(portA, admin.secret, 'limit=20&q=acme-5000');
    rows.push({
      scenario: '6. admin list, 100k keys',
      db: 'PostgreSQL',
      target: 'first page',
      rps: NaN,
      p50: first,
      p99: NaN,
    });
    rows.push({
      scenario: '6. admin list, 100k keys',
      db: 'PostgreSQL',
      target: 'search',
      rps: NaN,
      p50: search,
      p99: NaN,
    });
    void pg1;
    await Promise.all([stopServer(a), stopServer(b)]);
  } finally {
    await handle.close();
    await created.drop();
  }

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
    await compare('1. key check (cache on)', 'PGlite', portA, liteKey.secret);
    await stopServer(on);
    const offLite = await startServer(portA, { DATABASE_URL: '', DATA_DIR: dir, KEY_CACHE: 'off' });
    await compare('2. cache miss (cache off)', 'PGlite', portA, liteKey.secret);
    await stopServer(offLite);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(nextVersion: string, pgVersion: string) {
  const cpus = os.cpus();
  console.log(
    `\nMachine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  console.log(
    `Node ${process.version}, Next ${nextVersion}, PostgreSQL ${pgVersion}, PGlite ${JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')).version}`,
  );
  console.log(`autocannon: ${CONNECTIONS} connections, ${SECONDS} s per measurement, same machine\n`);
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
