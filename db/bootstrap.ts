import 'server-only';
import { readEnv } from '@/lib/env';
import { getDatabase } from './index';
import { formatCredentials, seedIfEmpty } from './seed';

const globalKey = Symbol.for('crm.database.ready');
type G = typeof globalThis & { [globalKey]?: Promise<void> };

/**
 * The database, migrated and (on first start) seeded. Awaited at start-up by instrumentation and
 * cheaply by anything that might run before it (sign-in, health).
 */
export function getReadyDatabase(): Promise<void> {
  const g = globalThis as G;
  return (g[globalKey] ??= (async () => {
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
    delete g[globalKey];
    throw error;
  }));
}
