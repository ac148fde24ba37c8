/**
 * `npm run loadtest`: faults under load, against the production build (`npx next build` first).
 * Not part of `npm test`. Loopback only; creates a PostgreSQL database and drops it at the end.
 *
 *   two instances (A, B) on one database, both through a TCP proxy this script controls
 *   → mixed traffic from a driver that records every response (key checks on /crm/me, creates of
 *     customers, key creates and revokes with revocation probes on both instances)
 *   → at OUTAGE_AT the database disappears for OUTAGE_MS (the proxy cuts every connection and
 *     refuses new ones; LOADTEST_PG_STOP=service stops the local cluster with pg_ctlcluster instead —
 *     root only; never on a shared machine where others' tests run)
 *   → at SIGTERM_AT instance B gets SIGTERM under load
 *   → at the end A is stopped too, and what the database holds is compared with what clients were told.
 *
 * It prints one table and a verdict, and exits 1 on any loss or broken promise:
 *   - zero 5xx other than 503, and 503 only during the outage (plus its first moments after);
 *   - every request during the outage answered within 3 s;
 *   - first 2xx of a request that needs the database within 2 s after the database is back;
 *   - cached keys keep working during the outage (no failure of a key used before it);
 *   - B exits 143 within its deadline, every in-flight request answered;
 *   - usage counts: for every key, recorded = what clients were told (2xx/4xx → success or denied),
 *     give or take the requests whose fate the client could not know (connection cut);
 *   - audit events: one key.created / key.revoked for every 201 / 200 told;
 *   - customers: every 201 told exists;
 *   - zero requests accepted with a revoked key on the instance that revoked it after its revoke
 *     returned; on the other instance, accepted ones are reported with how late they were.
 *
 * Env: LOADTEST_SECONDS (45), LOADTEST_WORKERS (12), LOADTEST_PORT (4380: A, +1: B, +2: proxy),
 * LOADTEST_OUTAGE_MS (10000), DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { openDatabase } from '../db/index';
import { apiKeys, apiKeyTenants, auditEvents, customers, keyUsageHourly, organisations } from '../db/schema';
import { issueSecret } from '../lib/keys/issue';
import { createTestDatabase } from '../test/postgres-admin';
import { PgProxy } from '../test/pg-proxy';

const SECONDS = Number(process.env.LOADTEST_SECONDS ?? 45);
const WORKERS = Number(process.env.LOADTEST_WORKERS ?? 12);
const BASE_PORT = Number(process.env.LOADTEST_PORT ?? 4380);
const OUTAGE_MS = Number(process.env.LOADTEST_OUTAGE_MS ?? 10_000);
const OUTAGE_AT = 10_000;
const SIGTERM_AT = Math.max(OUTAGE_AT + OUTAGE_MS + 6_000, SECONDS * 1000 - 12_000);
const SHUTDOWN_DEADLINE_MS = 10_000;
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_STOP = process.env.LOADTEST_PG_STOP === 'service' ? 'service' : 'proxy';

type Instance = 'A' | 'B';
type Kind = 'me' | 'create' | 'list' | 'key-create' | 'revoke' | 'probe';
type Record_ = {
  kind: Kind;
  instance: Instance;
  keyId: string;
  start: number;
  end: number;
  status: number; // 0: no answer (connection refused, reset, timeout)
  refused: boolean; // the connection was refused: nothing reached the server
  id?: string;
};

const records: Record_[] = [];
let t0 = performance.now();
const now = () => performance.now() - t0;
const log = (m: string) => process.stderr.write(`[loadtest ${(now() / 1000).toFixed(1)}s] ${m}\n`);

const ports: Record<Instance, number> = { A: BASE_PORT, B: BASE_PORT + 1 };
const url = (i: Instance, path: string) => `http://127.0.0.1:${ports[i]}${path}`;

async function call(
  kind: Kind,
  instance: Instance,
  keyId: string,
  secret: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown; end: number }> {
  const start = now();
  try {
    const res = await fetch(url(instance, path), {
      ...init,
      headers: { 'x-api-key': secret, 'content-type': 'application/json', ...init.headers },
      signal: AbortSignal.timeout(15_000),
    });
    const body = await res.json().catch(() => null);
    records.push({
      kind,
      instance,
      keyId,
      start,
      end: now(),
      status: res.status,
      refused: false,
      id: (body as { id?: string; api_key_id?: string } | null)?.api_key_id ?? (body as { id?: string })?.id,
    });
    return { status: res.status, body, end: records[records.length - 1].end };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    records.push({ kind, instance, keyId, start, end: now(), status: 0, refused: code === 'ECONNREFUSED' });
    return { status: 0, body: null, end: records[records.length - 1].end };
  }
}

function startInstance(port: number, databaseUrl: string, logFile: string): ChildProcess {
  const child = spawn(process.execPath, ['server.mjs'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_SECRET: 'loadtest-secret-loadtest-secret-loadtest',
      DEMO: '0',
      USAGE_FLUSH_MS: '1000',
      SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
  });
  return child;
}

async function waitReady(i: Instance) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(url(i, '/crm/health/ready'))
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`instance ${i} did not become ready`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopAndTime(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve({ code: child.exitCode, ms: 0 });
    child.once('exit', (code) => resolve({ code, ms: performance.now() - started }));
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
  });
}

function pgCluster(action: 'stop' | 'start'): boolean {
  const list = spawnSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
  const pgPort = new URL(BASE_URL).port || '5432';
  const line = list.stdout?.split('\n').find((l) => l.split(/\s+/)[2] === pgPort);
  if (!line || list.status !== 0) return false;
  const [version, name] = line.split(/\s+/);
  return spawnSync('pg_ctlcluster', [version, name, action], { stdio: 'inherit' }).status === 0;
}

async function main() {
  if (!existsSync('.next/BUILD_ID')) throw new Error('build first: npx next build');
  if (PG_STOP === 'service' && process.getuid?.() !== 0) {
    throw new Error('LOADTEST_PG_STOP=service needs root (pg_ctlcluster); run without it to use the proxy');
  }
  const created = await createTestDatabase(BASE_URL, 'loadtest');
  const proxy = PG_STOP === 'proxy' ? await new PgProxy({ target: created.url }).start(BASE_PORT + 2) : null;
  const appUrl = proxy ? proxy.url(created.url) : created.url;
  const direct = openDatabase({ url: created.url, dataDir: '' });
  const children: ChildProcess[] = [];
  try {
    await direct.ready;
    const [org] = await direct.db
      .insert(organisations)
      .values({ name: 'Load Ltd', slug: 'load' })
      .returning();
    const keys: { id: string; secret: string }[] = [];
    for (let i = 0; i < 21; i++) {
      const { secret, columns } = issueSecret('integration');
      const [k] = await direct.db
        .insert(apiKeys)
        .values({
          organisationId: org.id,
          name: i === 0 ? 'Admin' : `Client ${i}`,
          ...columns,
          permissions: i === 0 ? ['admin'] : ['customers:read', 'customers:write'],
        })
        .returning();
      await direct.db.insert(apiKeyTenants).values({ apiKeyId: k.id, organisationId: org.id });
      keys.push({ id: k.id, secret });
    }
    const [admin, ...clients] = keys;

    log(
      `starting A and B on ${ports.A}, ${ports.B} (database through ${proxy ? 'the proxy' : 'PostgreSQL'})`,
    );
    const logs = {
      A: path.join(tmpdir(), 'crm-loadtest-A.log'),
      B: path.join(tmpdir(), 'crm-loadtest-B.log'),
    };
    log(`instance logs (JSON lines, warnings and errors): ${logs.A}, ${logs.B}`);
    const a = startInstance(ports.A, appUrl, logs.A);
    const b = startInstance(ports.B, appUrl, logs.B);
    children.push(a, b);
    await Promise.all([waitReady('A'), waitReady('B')]);
    const instances = (): Instance[] => (bStopped ? ['A'] : ['A', 'B']);
    let bStopped = false;
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
    // Warm every client key on both instances: these are "cached keys" during the outage.
    for (const k of clients)
      for (const i of ['A', 'B'] as Instance[]) await call('me', i, k.id, k.secret, '/crm/me');

    // The timeline starts with the traffic (start-up and warm-up are not part of it).
    const offset = now();
    records.forEach((r) => ((r.start -= offset), (r.end -= offset)));
    t0 += offset;
    const endAt = SECONDS * 1000;
    let firstRecovered = Infinity;
    let outageStart = Infinity;
    let outageEnd = Infinity;
    let bTerm = { at: Infinity, code: null as number | null, ms: 0 };

    // Timeline.
    const timeline = (async () => {
      await new Promise((r) => setTimeout(r, OUTAGE_AT - now()));
      outageStart = now();
      log(`outage: ${PG_STOP === 'proxy' ? 'proxy paused' : 'pg_ctlcluster stop'}`);
      if (proxy) await proxy.pause();
      else if (!pgCluster('stop')) log('could not stop the cluster: skipping the outage');
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      if (proxy) await proxy.resume();
      else pgCluster('start');
      outageEnd = now();
      log('database back');
      // How soon a request that needs the database succeeds again: one every 50 ms until one does.
      const probe = clients[0];
      while (now() - outageEnd < 10_000) {
        const r = await call('list', 'A', probe.id, probe.secret, '/crm/customers?limit=1');
        if (r.status === 200) {
          firstRecovered = r.end;
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      log(`first 2xx needing the database ${Math.round(firstRecovered - outageEnd)} ms after it is back`);
      await new Promise((r) => setTimeout(r, SIGTERM_AT - now()));
      bTerm.at = now();
      log('SIGTERM to B');
      const stop = stopAndTime(b);
      bStopped = true;
      bTerm = { ...bTerm, ...(await stop) };
      log(`B exited ${bTerm.code} after ${Math.round(bTerm.ms)} ms`);
    })();

    // Mixed traffic.
    const worker = async () => {
      while (now() < endAt) {
        const k = pick(clients);
        const i = pick(instances());
        if (Math.random() < 0.8) await call('me', i, k.id, k.secret, '/crm/me');
        else
          await call('create', i, k.id, k.secret, '/crm/customers', {
            method: 'POST',
            body: JSON.stringify({ name: `Load ${Math.random().toString(36).slice(2)}` }),
          });
      }
    };

    // Revocations: create a key, use it on both instances, revoke through one while both are probed.
    const revocations: { keyId: string; via: Instance; returnedAt: number }[] = [];
    const revoker = async () => {
      while (now() < endAt - 2000) {
        const via = pick(instances());
        const created = await call('key-create', via, admin.id, admin.secret, '/crm/api-keys', {
          method: 'POST',
          body: JSON.stringify({
            name: `Probe ${Math.random().toString(36).slice(2)}`,
            permissions: ['customers:read'],
            tenants: [org.id],
          }),
        });
        if (created.status !== 201) {
          await new Promise((r) => setTimeout(r, 300));
          continue;
        }
        const { api_key_id: id, api_key: secret } = created.body as { api_key_id: string; api_key: string };
        for (const i of instances()) await call('probe', i, id, secret, '/crm/me');
        let probing = true;
        const probes = instances().map(async (i) => {
          while (probing) {
            const r = await call('probe', i, id, secret, '/crm/me');
            if (r.status === 0) await new Promise((done) => setTimeout(done, 50));
          }
        });
        await new Promise((r) => setTimeout(r, 50));
        const revoked = await call('revoke', via, admin.id, admin.secret, `/crm/api-keys/${id}/revoke`, {
          method: 'POST',
        });
        if (revoked.status === 200) revocations.push({ keyId: id, via, returnedAt: now() });
        await new Promise((r) => setTimeout(r, 300));
        probing = false;
        await Promise.all(probes);
        await new Promise((r) => setTimeout(r, 500));
      }
    };

    await Promise.all([...Array.from({ length: WORKERS }, worker), revoker(), revoker(), timeline]);
    log('traffic done; stopping A');
    const aStop = await stopAndTime(a);
    if (proxy) await proxy.resume();

    // ---- Accounting.
    const outage = (r: Record_) => r.end >= outageStart && r.start < outageEnd;
    const fiveXX = records.filter((r) => r.status >= 500);
    const non503 = fiveXX.filter((r) => r.status !== 503);
    // A request that overlaps the outage may get 503: it began before the cut and lost its connection.
    const stray503 = fiveXX.filter(
      (r) => r.status === 503 && (r.end < outageStart || r.start > outageEnd + 2000),
    );
    for (const r of [...non503, ...stray503].slice(0, 10)) {
      log(
        `unexpected ${r.status}: ${r.kind} on ${r.instance} at ${Math.round(r.start)}–${Math.round(r.end)} ms`,
      );
    }
    const duringOutage = records.filter(outage);
    const slowest = Math.max(0, ...duringOutage.map((r) => r.end - r.start));
    const firstDbOk = firstRecovered;
    const cachedDuring = duringOutage.filter((r) => r.kind === 'me');
    const cachedFailed = cachedDuring.filter((r) => r.status !== 200 && !r.refused);
    const unanswered = records.filter((r) => r.status === 0 && !r.refused);

    // Usage: what each key was told vs what the database holds.
    const told = new Map<string, { success: number; denied: number; unknown: number }>();
    for (const r of records) {
      if (r.refused) continue;
      const t = told.get(r.keyId) ?? { success: 0, denied: 0, unknown: 0 };
      if (r.status === 0) t.unknown++;
      else if (r.status === 401 || r.status === 403) t.denied++;
      else if (r.status < 500 && r.status !== 429) t.success++;
      told.set(r.keyId, t);
    }
    const rows = await direct.db
      .select({
        keyId: keyUsageHourly.keyId,
        success: sql<number>`sum(${keyUsageHourly.success})::int`,
        denied: sql<number>`sum(${keyUsageHourly.denied})::int`,
      })
      .from(keyUsageHourly)
      .groupBy(keyUsageHourly.keyId);
    const recorded = new Map(
      rows.map((r) => [r.keyId, { success: Number(r.success), denied: Number(r.denied) }]),
    );
    let toldTotal = 0;
    let recordedTotal = 0;
    let lostUsage = 0;
    let extraUsage = 0;
    for (const [keyId, t] of told) {
      const got = recorded.get(keyId) ?? { success: 0, denied: 0 };
      toldTotal += t.success + t.denied;
      recordedTotal += got.success + got.denied;
      lostUsage += Math.max(0, t.success - got.success) + Math.max(0, t.denied - got.denied);
      extraUsage += Math.max(0, got.success + got.denied - (t.success + t.denied + t.unknown));
    }

    // Audit events and records.
    const ackCreated = records.filter((r) => r.kind === 'key-create' && r.status === 201).map((r) => r.id!);
    const ackRevoked = revocations.map((r) => r.keyId);
    const audits = await direct.db
      .select({ action: auditEvents.action, targetId: auditEvents.targetId })
      .from(auditEvents)
      .where(inArray(auditEvents.action, ['key.created', 'key.revoked']));
    const has = (action: string, id: string) => audits.some((e) => e.action === action && e.targetId === id);
    const lostAudits =
      ackCreated.filter((id) => !has('key.created', id)).length +
      ackRevoked.filter((id) => !has('key.revoked', id)).length;
    const ackCustomers = records.filter((r) => r.kind === 'create' && r.status === 201).map((r) => r.id!);
    const stored = ackCustomers.length
      ? await direct.db
          .select({ id: customers.id })
          .from(customers)
          .where(inArray(customers.id, ackCustomers))
      : [];
    const lostCustomers = ackCustomers.length - stored.length;
    void eq;

    // Revoked keys accepted after their revoke returned.
    let sameInstanceAccepted = 0;
    const otherInstanceLate: number[] = [];
    for (const rev of revocations) {
      for (const r of records) {
        if (r.keyId !== rev.keyId || r.kind !== 'probe' || r.start < rev.returnedAt || r.status !== 200)
          continue;
        if (r.instance === rev.via) sameInstanceAccepted++;
        else otherInstanceLate.push(r.start - rev.returnedAt);
      }
    }

    const checks: [string, string, boolean][] = [
      [
        'requests (answered / no answer / refused)',
        `${records.length - unanswered.length} / ${unanswered.length} / ${records.filter((r) => r.refused).length}`,
        true,
      ],
      ['5xx other than 503', String(non503.length), non503.length === 0],
      ['503 not overlapping the outage (+2 s)', String(stray503.length), stray503.length === 0],
      [
        'requests during the outage / slowest answer',
        `${duringOutage.length} / ${Math.round(slowest)} ms`,
        slowest <= 3000,
      ],
      [
        'first 2xx needing the database after it is back',
        `${Math.round(firstDbOk - outageEnd)} ms`,
        firstDbOk - outageEnd <= 2000,
      ],
      [
        'cached-key checks during the outage (failed)',
        `${cachedDuring.length} (${cachedFailed.length})`,
        cachedDuring.length > 0 && cachedFailed.length === 0,
      ],
      [
        'B: SIGTERM under load → exit code, time',
        `${bTerm.code}, ${Math.round(bTerm.ms)} ms`,
        bTerm.code === 143 && bTerm.ms <= SHUTDOWN_DEADLINE_MS,
      ],
      [
        'A: SIGTERM at the end → exit code, time',
        `${aStop.code}, ${Math.round(aStop.ms)} ms`,
        aStop.code === 143 && aStop.ms <= SHUTDOWN_DEADLINE_MS,
      ],
      ['usage counts told / recorded', `${toldTotal} / ${recordedTotal}`, true],
      [
        'usage counts lost / beyond told+unknown',
        `${lostUsage} / ${extraUsage}`,
        lostUsage === 0 && extraUsage === 0,
      ],
      [
        'audit events acknowledged / lost',
        `${ackCreated.length + ackRevoked.length} / ${lostAudits}`,
        lostAudits === 0,
      ],
      ['customers acknowledged / lost', `${ackCustomers.length} / ${lostCustomers}`, lostCustomers === 0],
      [
        'revocations / accepted after revoke returned (same instance)',
        `${revocations.length} / ${sameInstanceAccepted}`,
        sameInstanceAccepted === 0,
      ],
      [
        '  accepted on the other instance (max ms late)',
        `${otherInstanceLate.length} (${Math.round(Math.max(0, ...otherInstanceLate))})`,
        true,
      ],
    ];
    const width = Math.max(...checks.map((c) => c[0].length));
    console.log(
      `\nLoad test: ${SECONDS} s, ${WORKERS} workers, outage ${OUTAGE_MS} ms by ${PG_STOP}, 2 instances\n`,
    );
    console.log(`| ${'check'.padEnd(width)} | ${'result'.padEnd(22)} | ok |`);
    console.log(`| ${'-'.repeat(width)} | ${'-'.repeat(22)} | -- |`);
    for (const [name, value, ok] of checks)
      console.log(`| ${name.padEnd(width)} | ${value.padEnd(22)} | ${ok ? '✓ ' : '✗ '} |`);
    const pass = checks.every((c) => c[2]);
    console.log(`\nVerdict: ${pass ? 'PASS' : 'FAIL'}\n`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await proxy?.stop();
    await direct.close();
    await created.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
