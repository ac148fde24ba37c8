import 'server-only';
import { readEnv } from '@/lib/env';
import { forgetProcessSingleton, processSingleton } from '@/lib/process-singleton';
import { getDatabase } from './index';
import { formatCredentials, seedIfEmpty } from './seed';

/**
 * The database, migrated and (on first start) seeded. Awaited at start-up by instrumentation and
 * cheaply by anything that might run before it (sign-in, health). Once per process.
 */
export function getReadyDatabase(): Promise<void> {
  return processSingleton('database.ready', () => {
    const ready: ReadyPromise = (async () => {
      const env = readEnv();
      const handle = getDatabase();
      await handle.ready;
      const credentials = await seedIfEmpty(handle.db, env);
      if (credentials) {
        const port = process.env.PORT ?? '3000';
        // Printed once, on the first start: the only place the generated demo passwords appear.
        console.log(formatCredentials(credentials, `http://localhost:${port}`));
      }
    })().catch((error) => {
      // Let the next caller try again (e.g. PostgreSQL was down at start-up and is back).
      forgetProcessSingleton('database.ready');
      throw error;
    });
    // Marked on the promise itself: every bundle of the process shares it (a module variable would not).
    ready.then(
      () => (ready.settled = true),
      () => {},
    );
    return ready;
  });
}

type ReadyPromise = Promise<void> & { settled?: true };

/**
 * Null once the database is ready, else the promise to await: the hot path (every /crm request, and
 * /ping, its benchmark twin) then pays no await at all, where awaiting a settled promise still costs
 * a turn of the microtask queue and Next's async-context hooks.
 */
export function databaseReadiness(): Promise<void> | null {
  const ready: ReadyPromise = getReadyDatabase();
  return ready.settled ? null : ready;
}
