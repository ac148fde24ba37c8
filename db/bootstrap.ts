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
  return processSingleton('database.ready', () =>
    (async () => {
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
    }),
  );
}
