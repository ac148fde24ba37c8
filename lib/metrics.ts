import client from 'prom-client';
import { UUID_PATTERN } from '@/lib/ids';
import { processSingleton, processSlot } from '@/lib/process-singleton';

/**
 * Prometheus metrics, served at GET /metrics (app/metrics/route.ts, behind METRICS_TOKEN). The list
 * and example alerts are in docs/operations.md.
 *
 * The hot path pays for a key check with one counter increment and one histogram observation on
 * label children bound once (no label object per request). Everything the app already counts
 * elsewhere (the key cache's statistics, the usage buffer, the webhook queue, the pool) is read at
 * scrape time through `collect`, so it costs requests nothing.
 */
export type KeyCheckOutcome = 'success' | 'denied' | 'rate_limited' | 'error';

type Collector = () => void | Promise<void>;

type Metrics = {
  registry: client.Registry;
  keyChecks: client.Counter<'outcome' | 'reason'>;
  keyCheckSeconds: client.Histogram;
  httpRequests: client.Counter<'route' | 'method' | 'status'>;
  webhookAttempts: client.Counter<'result'>;
  webhookBatchFailures: client.Counter;
  /** Bound children: `${outcome}|${reason}` and `${method} ${route} ${status}`. */
  keyCheckChildren: Map<string, client.Counter.Internal>;
  httpChildren: Map<string, client.Counter.Internal>;
  collectors: Set<Collector>;
};

/** Distinct HTTP label sets we keep; beyond it, "other" (a crawler must not blow up the series). */
const MAX_SERIES = 1000;

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'crm_' });
  const collectors = new Set<Collector>();
  // One scrape-time hook that runs every registered collector (cache, usage, webhooks, pool).
  new client.Gauge({
    name: 'crm_scrape_collectors',
    help: 'Collectors run at this scrape (internal).',
    registers: [registry],
    async collect() {
      await Promise.allSettled([...collectors].map(async (c) => c()));
      this.set(collectors.size);
    },
  });
  return {
    registry,
    keyChecks: new client.Counter({
      name: 'crm_key_checks_total',
      help: 'API key checks by outcome (success, denied, rate_limited, error) and reason (an error code, or ok).',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    }),
    keyCheckSeconds: new client.Histogram({
      name: 'crm_key_check_duration_seconds',
      help: 'Time to check an API key (cache or database lookup, status, expiry), in seconds.',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    httpRequests: new client.Counter({
      name: 'crm_http_requests_total',
      help: 'HTTP requests answered, by route (ids replaced by :id), method and status.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    webhookAttempts: new client.Counter({
      name: 'crm_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by result (delivered, retry, failed, cancelled).',
      labelNames: ['result'],
      registers: [registry],
    }),
    webhookBatchFailures: new client.Counter({
      name: 'crm_webhook_batch_failures_total',
      help: 'Webhook worker batches that failed (e.g. the database was unreachable).',
      registers: [registry],
    }),
    keyCheckChildren: new Map(),
    httpChildren: new Map(),
    collectors,
  };
}

/** The process's metrics (route handlers and instrumentation are bundled apart: one on globalThis). */
export function metrics(): Metrics {
  return processSingleton('metrics', create);
}

/** Count one key check. `reason`: the error code of a refusal, "ok" otherwise. */
export function countKeyCheck(outcome: KeyCheckOutcome, reason: string, seconds: number): void {
  const m = metrics();
  // The common case without building a string.
  const id = outcome === 'success' && reason === 'ok' ? 'success|ok' : `${outcome}|${reason}`;
  let child = m.keyCheckChildren.get(id);
  if (!child) {
    child = m.keyChecks.labels(outcome, reason);
    m.keyCheckChildren.set(id, child);
  }
  child.inc();
  m.keyCheckSeconds.observe(seconds);
}

const ID_SEGMENT = new RegExp(`^(?:${UUID_PATTERN}|\\d+|[A-Za-z0-9_-]{20,})$`, 'i');

/** A low-cardinality route label: ids become :id, static assets one label, unknown paths "unmatched". */
export function routeLabel(path: string, status: number): string {
  if (status === 404) return 'unmatched';
  if (path.startsWith('/_next/')) return '/_next';
  if (!/[0-9]/.test(path)) return path;
  return path
    .split('/')
    .map((s) => (ID_SEGMENT.test(s) ? ':id' : s))
    .join('/');
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Count one HTTP response (called by server.mjs through the hook installed by installHttpMetrics). */
export function countHttpRequest(method: string, url: string, status: number): void {
  const m = metrics();
  const q = url.indexOf('?');
  const route = routeLabel(q === -1 ? url : url.slice(0, q), status);
  const id = `${method} ${route} ${status}`;
  let child = m.httpChildren.get(id);
  if (!child) {
    // Bounded: past MAX_SERIES label sets, everything new is "other" (crawlers, odd paths).
    const full = m.httpChildren.size >= MAX_SERIES;
    child = m.httpRequests.labels(
      full ? 'other' : route,
      METHODS.has(method) ? method : 'OTHER',
      String(status),
    );
    if (!full) m.httpChildren.set(id, child);
  }
  child.inc();
}

/** server.mjs calls globalThis[crm.http-observe] for every response; this connects it here. */
export function installHttpMetrics(): void {
  processSlot<typeof countHttpRequest>('http-observe').set(countHttpRequest);
}

/** Register a scrape-time collector (reads state kept elsewhere into gauges/counters). */
export function onScrape(collector: Collector): void {
  metrics().collectors.add(collector);
}

/** A counter whose value is read at scrape time from a running total kept elsewhere. */
export function totalCounter(name: string, help: string, read: () => number): void {
  const m = metrics();
  if (m.registry.getSingleMetric(name)) return;
  new client.Counter({
    name,
    help,
    registers: [m.registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A gauge read at scrape time. */
export function readGauge(name: string, help: string, read: () => number | Promise<number>): void {
  const m = metrics();
  if (m.registry.getSingleMetric(name)) return;
  new client.Gauge({
    name,
    help,
    registers: [m.registry],
    async collect() {
      this.set(await read());
    },
  });
}
