import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@/db';
import { PgProxy } from '@/test/pg-proxy';

/**
 * The cause of the webhook stall after a PostgreSQL outage (issue 19): postgres-js backs off between
 * reconnects exponentially (3^n/100 s, shared by the pool, capped at 20 s), so after a few seconds
 * of refused connections the first query after the database is back waited 10–20 s for a
 * reconnect timer. Through a proxy the test cuts, the first query after the outage must answer at once.
 */
const postgresOnly = process.env.TEST_DB === 'postgres';

describe.skipIf(!postgresOnly)('the PostgreSQL client after an outage', () => {
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

  it('answers within a second of the database coming back, however many queries failed meanwhile', async () => {
    const sql = handle.sql!;
    expect((await sql`select 1 as one`)[0].one).toBe(1);

    // A worker that polls every 100 ms, as the webhook worker does, through a 3 s outage.
    let resumedAt = 0;
    let failed = 0;
    const firstAnswerAfterResume = (async () => {
      for (;;) {
        try {
          await sql`select 1`;
          if (resumedAt) return performance.now() - resumedAt;
        } catch {
          failed++;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await proxy.outage(3000);
    resumedAt = performance.now();
    const waitedMs = Math.round(await firstAnswerAfterResume);
    console.log(`${failed} queries failed during the outage; the first answer came ${waitedMs} ms after it`);
    expect(failed).toBeGreaterThan(0);
    expect(waitedMs).toBeLessThan(1000);
  });
});
