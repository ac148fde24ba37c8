/**
 * The production server: Next's request handler behind a plain node:http server, started by
 * `npm start` / `npm run serve` and by the tests. It exists for two things `next start` cannot give:
 *
 * - The socket's address. `next start` only fills X-Forwarded-For when the client did not send one, so a
 *   client could name any address. Here every request carries `x-crm-peer` = the socket's remote address,
 *   always overwritten (a client-sent value never survives); `lib/api/client-address.ts` trusts
 *   X-Forwarded-For only when that peer is listed in TRUSTED_PROXIES.
 * - Control of the listening socket and its connections on shutdown (see lib/lifecycle).
 *
 * Binds to localhost unless HOSTNAME says otherwise (HOSTNAME=0.0.0.0 to serve the network).
 */
import { createServer } from 'node:http';

process.env.NODE_ENV = 'production';
// Signals are ours, not Next's: lib/services/usage.ts flushes and exits; here the socket stops accepting.
process.env.NEXT_MANUAL_SIG_HANDLE = '1';
const { default: next } = await import('next');

export const PEER_HEADER = 'x-crm-peer';

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || 'localhost';

const app = next({ dev: false, hostname, port, dir: import.meta.dirname });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
  handle(req, res);
});
globalThis[Symbol.for('crm.http-server')] = server;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
  });
}
server.listen(port, hostname, () => {
  console.log(`▲ Ready on http://${hostname}:${port}`);
});
