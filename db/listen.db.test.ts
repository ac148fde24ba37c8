import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDatabase, openDatabase, type DatabaseHandle } from '@/db';
import { PgProxy } from '@/test/pg-proxy';

/**
 * LISTEN/NOTIFY on the database handle, the same on both drivers: the key cache's invalidation
 * (lib/key-check/cache.ts) and the webhook worker's wake-up (lib/services/webhook-delivery.ts) use it.
 */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('listen and notify', () => {
  it('delivers a notification to the listener, reports the subscription once, and stops on unlisten', async () => {
    const handle = getDatabase();
    const received: string[] = [];
    let subscribed = 0;
    const unlisten = await handle.listen(
      'crm_listen_test',
      (payload) => received.push(payload),
      () => subscribed++,
    );
    // Subscribed before listen() resolves: nothing sent after it can be missed.
    expect(subscribed).toBe(1);
    await handle.notify('crm_listen_test', '{"n":1}');
    await until(() => received.length === 1);
    expect(received).toEqual(['{"n":1}']);

    await unlisten();
    await handle.notify('crm_listen_test', '{"n":2}');
    // A marker on another channel, sent after: once it arrives, the one before it would have too.
    const marker: string[] = [];
    const stopMarker = await handle.listen('crm_listen_marker', (p) => marker.push(p));
    await handle.notify('crm_listen_marker', 'done');
    await until(() => marker.length === 1);
    await stopMarker();
    expect(received).toEqual(['{"n":1}']);
    expect(subscribed).toBe(1);
  });
});

describe.skipIf(process.env.TEST_DB !== 'postgres')('listen after a dropped connection', () => {
  let proxy: PgProxy;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    proxy = await new PgProxy({ target: process.env.DATABASE_URL! }).start();
    handle = openDatabase({ url: proxy.url(process.env.DATABASE_URL!), dataDir: '' });
    await handle.ready;
  });

  afterAll(async () => {
    await handle?.close();
    await proxy?.stop();
  });

  it('re-subscribes by itself, tells the caller (who must start afresh), and receives again', async () => {
    const received: string[] = [];
    let subscribed = 0;
    await handle.listen(
      'crm_listen_test',
      (payload) => received.push(payload),
      () => subscribed++,
    );
    expect(subscribed).toBe(1);
    await proxy.outage(500);
    await until(() => subscribed === 2, 10_000);
    await handle.notify('crm_listen_test', 'after');
    await until(() => received.includes('after'));
  });
});
