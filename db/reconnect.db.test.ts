import net from 'node:net';
import { once } from 'node:events';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, postgresOptions, type DatabaseHandle } from '@/db';
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

/**
 * A pool of one connection with the app's settings, on sockets to PostgreSQL itself that the test
 * holds, to cut one at a chosen moment (postgres-js's `socket` option, missing from its types).
 */
function poolWithOwnSockets(): { sql: postgres.Sql; sockets: net.Socket[] } {
  const target = new URL(process.env.DATABASE_URL!);
  const sockets: net.Socket[] = [];
  const options = {
    ...postgresOptions('reconnect test'),
    max: 1,
    socket: async () => {
      const socket = net.connect(Number(target.port || 5432), target.hostname);
      await once(socket, 'connect');
      sockets.push(socket);
      return socket;
    },
  };
  return { sql: postgres(process.env.DATABASE_URL!, options), sockets };
}

/**
 * The late 503s of the load test (issue 14): 2–20 s after PostgreSQL was back, one request every
 * ~2 s still failed with CONNECT_TIMEOUT, although the database and the proxy answered at once. The
 * proxy saw those connections opened and never a byte sent: postgres-js 3.4.9 batches small writes
 * behind a setImmediate, and when a connection closes with such a write pending, its teardown cancels
 * the immediate but keeps the stale handle (`nextWriteTimer`), so that pool slot never schedules a
 * write again — every later connect of it sends no startup message and times out, for the life of the
 * process. A load-dependent race (a write scheduled in the same turn as its socket closes), made
 * certain here: the query is issued from a setImmediate callback, so its write waits for the next
 * turn, and the socket is destroyed in the same callback, so its close comes first (libuv runs close
 * callbacks after the check phase). The fix is the patch in scripts/patch-postgres.mjs.
 */
describe.skipIf(!postgresOnly)('a pool connection that closes with a write pending', () => {
  it('connects again and answers the next query at once', async () => {
    const { sql, sockets } = poolWithOwnSockets();
    try {
      expect((await sql`select 1 as one`)[0].one).toBe(1);
      const lost = await new Promise<Promise<unknown>>((resolve) =>
        setImmediate(() => {
          const query = sql`select 2`.execute();
          sockets[0].destroy();
          resolve(query.catch((error: { code?: string }) => error.code));
        }),
      );
      expect(await lost).toBe('CONNECTION_CLOSED');

      const started = performance.now();
      const answer = await sql`select 3 as three`.catch((error: { code?: string }) => error.code);
      const ms = Math.round(performance.now() - started);
      expect(answer, `after ${ms} ms`).toEqual([{ three: 3 }]);
      expect(ms).toBeLessThan(1000);
      expect(sockets).toHaveLength(2);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});

/**
 * The other half of the same driver code: a write to a connection whose socket is already gone (the
 * rollback of a transaction whose connection died — the app's write path during an outage) threw a
 * TypeError from a setImmediate, an uncaught exception in the server (seen in the load test's
 * outage), and the query never settled. It must be rejected like any query on a lost connection.
 */
describe.skipIf(!postgresOnly)('a transaction whose connection dies', () => {
  it('rejects with CONNECTION_CLOSED and throws nothing uncaught', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const { sql, sockets } = poolWithOwnSockets();
    try {
      let rolledBack: Promise<unknown> = Promise.resolve('not tried');
      const outcome = await sql
        .begin(async (tx) => {
          await tx`select 1`;
          sockets[0].destroy();
          try {
            await tx`select 2`;
          } catch (error) {
            // What the driver does after a failed statement: roll back, on the connection now gone.
            rolledBack = Promise.race([
              tx`rollback`.then(
                () => 'answered',
                (e: { code?: string }) => e.code,
              ),
              new Promise((r) => setTimeout(() => r('never settled'), 1000)),
            ]);
            await rolledBack;
            throw error;
          }
        })
        .catch((error: { code?: string }) => error.code);
      expect(outcome).toBe('CONNECTION_CLOSED');
      expect(await rolledBack).toBe('CONNECTION_CLOSED');
      // The driver's own rollback after the callback threw: its write, too, must not throw.
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      // And the pool still works.
      expect(await sql`select 3 as three`).toEqual([{ three: 3 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await sql.end({ timeout: 1 });
    }
  });
});
