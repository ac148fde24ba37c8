import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that a test controls, to simulate a database outage without
 * touching the machine's PostgreSQL (other tests share it): `pause()` cuts every open connection and
 * refuses new ones (the port is closed: ECONNREFUSED, as while PostgreSQL restarts), `resume()`
 * accepts again on the same port. Point the app at `proxy.url(databaseUrl)`.
 *
 *   const proxy = await new PgProxy({ target: 'postgres://postgres@127.0.0.1:5432/x' }).start(4840);
 *   app = await startApp(port, { DATABASE_URL: proxy.url(databaseUrl) });
 *   await proxy.pause();  …  proxy.resume();
 */
export class PgProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly targetHost: string;
  private readonly targetPort: number;
  port = 0;
  /** Connections accepted so far (all time): shows the app reconnected. */
  accepted = 0;

  constructor({ target }: { target: string }) {
    const u = new URL(target);
    this.targetHost = u.hostname || '127.0.0.1';
    this.targetPort = Number(u.port || 5432);
  }

  /** Listen on `port` (0: any free port). */
  async start(port = this.port): Promise<this> {
    const server = net.createServer((client) => {
      this.accepted++;
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.setNoDelay(true);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** The same database URL, through this proxy. */
  url(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** The outage begins: every connection is cut (reset) and the port refuses new ones. */
  async pause(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The database answers again, on the same port. */
  async resume(): Promise<void> {
    if (!this.server) await this.start(this.port);
  }

  /** A pause of `ms`, then resume; resolves at the moment the proxy accepts again. */
  async outage(ms: number): Promise<void> {
    await this.pause();
    await new Promise((r) => setTimeout(r, ms));
    await this.resume();
  }

  async stop(): Promise<void> {
    await this.pause();
  }
}
