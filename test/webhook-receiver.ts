import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../lib/webhooks/signing';

export type ReceivedWebhook = {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
  /** The status answered; null while held (hang mode), or if the sender went away before an answer. */
  answered: number | null;
  /** When the request ended: answered, or its connection closed by the sender. */
  endedAt: number | null;
};

/** Whether a delivery carries a valid signature made with the subscription's `secret`. */
export function isSignedWith(received: ReceivedWebhook, secret: string): boolean {
  return verifySignature(secret, {
    timestamp: received.headers['x-webhook-timestamp'] as string,
    body: received.body,
    signature: received.headers['x-webhook-signature'] as string,
  });
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: records every POST, answers with `status`,
 * and can go down and come back on the same port (a receiver that was unreachable for a while).
 * With `hang` set it holds every request open without answering (a receiver that hangs), until
 * `release()`, or until the sender gives up or dies.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  status = 200;
  hang = false;
  private server: http.Server | null = null;
  private waiters: { count: number; resolve: () => void }[] = [];
  private held: { entry: ReceivedWebhook; response: http.ServerResponse }[] = [];
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/crm`;
  }

  /** Requests held open right now (hang mode). */
  get open(): number {
    return this.received.filter((r) => r.endedAt === null).length;
  }

  async start(port = this.port): Promise<this> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const entry: ReceivedWebhook = {
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          answered: null,
          endedAt: null,
        };
        this.received.push(entry);
        response.on('close', () => (entry.endedAt ??= Date.now()));
        if (this.hang) this.held.push({ entry, response });
        else this.answer(entry, response, this.status);
        this.waiters = this.waiters.filter((w) => {
          if (this.received.length < w.count) return true;
          w.resolve();
          return false;
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  private answer(entry: ReceivedWebhook, response: http.ServerResponse, status: number) {
    if (response.destroyed || entry.endedAt !== null) return;
    entry.answered = status;
    entry.endedAt = Date.now();
    response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
  }

  /** Answer the held requests (those whose sender is still waiting) with `status`, and stop holding. */
  release(status = this.status): void {
    this.hang = false;
    for (const { entry, response } of this.held.splice(0)) this.answer(entry, response, status);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.held = [];
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `count` requests have arrived in total (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} webhook requests, got ${this.received.length}`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}
