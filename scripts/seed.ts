/**
 * `npm run seed`: on an empty database, create what the first start creates (superadmin, demo
 * organisations, keys, 30 days of usage and the demo's audit history) and print the sign-in details;
 * on an existing one, reset the demo accounts' passwords and print them again.
 *
 * On the embedded database (no DATABASE_URL) it refuses while the app runs: the app holds the folder,
 * and passwords written beside it would not work until a restart.
 */
import { embeddedDatabaseHolder } from '../db/embedded-lock';
import { getDatabase } from '../db/index';
import { formatCredentials, resetDemoPasswords, seedIfEmpty } from '../db/seed';
import { dataDir, readEnv } from '../lib/env';

const env = readEnv();
if (!env.DATABASE_URL && !env.DATA_DIR.startsWith('memory://')) {
  const holder = embeddedDatabaseHolder(dataDir(env));
  if (holder) {
    console.error(
      `The app (process ${holder}) is running on the embedded database in ${dataDir(env)}.\n` +
        'Stop it first (Ctrl+C in its terminal), run `npm run seed` again, then start the app.',
    );
    process.exit(1);
  }
}
const handle = getDatabase();
await handle.ready;
const created = await seedIfEmpty(handle.db, env);
const credentials = created ?? (await resetDemoPasswords(handle.db, env));
console.log(
  created ? 'Seeded an empty database.' : 'The database already had data: demo passwords were reset.',
);
const port = process.env.PORT ?? '3000';
console.log(formatCredentials(credentials, process.env.NEXTAUTH_URL ?? `http://localhost:${port}`));
await handle.close();
