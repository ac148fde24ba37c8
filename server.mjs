/**
 * The production server: Next's request handler behind a plain node:http server, started by
 * `npm start` / `npm run serve` and by the tests. It exists for what `next start` cannot give:
 *
 * - The socket's address. `next start` only fills X-Forwarded-For when the client did not send one, so a
 *   client could name any address. Here every request carries `x-crm-peer` = the socket's remote address,
 *   always overwritten (a client-sent value never survives); `lib/api/client-address.ts` trusts
 *   X-Forwarded-For only when that peer is listed in TRUSTED_PROXIES.
 * - A request id per request (`x-crm-request-id`, always overwritten; also sent back as X-Request-Id),
 *   and the request store in which it runs, so every log line of the request carries it (lib/log.ts).
 * - Control of the listening socket and its connections on shutdown: `drain` below, called by
 *   lib/lifecycle.ts on SIGTERM/SIGINT (signals are handled there, not here and not by Next).
 * - The HTTP request counter of /metrics (lib/metrics.ts installs the observer).
 *
 * Binds to localhost unless HOSTNAME says otherwise (HOSTNAME=0.0.0.0 to serve the network).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

process.env.NODE_ENV = 'production';
// Signals are ours, not Next's: lib/lifecycle.ts drains (through `drain` below), flushes and exits.
process.env.NEXT_MANUAL_SIG_HANDLE = '1';
const { default: next } = await import('next');

export const PEER_HEADER = 'x-crm-peer';
export const REQUEST_ID_HEADER = 'x-crm-request-id';

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || 'localhost';

const app = next({ dev: false, hostname, port, dir: import.meta.dirname });
const handle = app.getRequestHandler();
await app.prepare();

// Shared with the app's bundles through globalThis (see lib/log.ts, lib/metrics.ts, lib/lifecycle.ts).
const requestStore = (globalThis[Symbol.for('crm.request-store')] ??= new AsyncLocalStorage());
const OBSERVE = Symbol.for('crm.http-observe');

/** Responses not yet finished; drained on shutdown. */
const inFlight = new Set();
let draining = false;

/** One listener per response, no closure: counts the response and forgets it. */
function onResponseClose() {
  inFlight.delete(this);
  globalThis[OBSERVE]?.(this.req.method, this.req.url, this.writableFinished ? this.statusCode : 499);
}

/** The methods the app answers; anything else never reaches Next (whose TRACE handling throws). */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * TRACE, CONNECT and unknown methods: 405 with Allow, answered here because Next fails on them before
 * any route code runs (a 500 and a stack trace per request). Under /crm in the API's error format.
 * Returns true when it answered.
 */
export function refuseUnknownMethod(req, res) {
  if (ALLOWED_METHODS.includes(req.method ?? '')) return false;
  const allow = ALLOWED_METHODS.join(', ');
  const requestId = randomUUID();
  const api = (req.url ?? '').startsWith('/crm');
  const body = api
    ? JSON.stringify({
        error: {
          code: 'method_not_allowed',
          message: `${String(req.method).slice(0, 20)} is not supported. Use ${allow}.`,
          request_id: requestId,
        },
      })
    : 'Method Not Allowed\n';
  res.writeHead(405, {
    allow,
    'content-type': api ? 'application/json' : 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
  req.resume(); // drain any body, so the connection can be reused
  return true;
}

/** Request pre-processing: stamps that the app relies on. Other helpers add theirs here. */
function stamp(req, res) {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
  const requestId = randomUUID();
  req.headers[REQUEST_ID_HEADER] = requestId;
  res.setHeader('x-request-id', requestId);
  return requestId;
}

const server = createServer((req, res) => {
  const requestId = stamp(req, res);
  if (refuseUnknownMethod(req, res)) return;
  if (draining) res.setHeader('connection', 'close');
  inFlight.add(res);
  res.once('close', onResponseClose);
  requestStore.run({ requestId }, () => handle(req, res));
});

/**
 * Stop accepting, close idle keep-alive connections, answer what is in flight with
 * `Connection: close`, and wait for it, at most `graceMs`; then cut whatever is left.
 */
async function drain(graceMs) {
  draining = true;
  server.close();
  for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
  const until = Date.now() + graceMs;
  // Idle connections are closed as they become idle (a busy one may have sent its headers earlier).
  while (inFlight.size > 0 && Date.now() < until) {
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const cut = inFlight.size;
  server.closeIdleConnections();
  if (cut > 0) server.closeAllConnections();
  return { cut };
}

globalThis[Symbol.for('crm.http-server')] = server;
globalThis[Symbol.for('crm.http-drain')] = drain;
server.keepAliveTimeout = 5_000;
server.listen(port, hostname, () => {
  const line = { level: 'info', time: new Date().toISOString(), pid: process.pid, msg: 'listening' };
  console.log(JSON.stringify({ ...line, url: `http://${hostname}:${port}` }));
});
