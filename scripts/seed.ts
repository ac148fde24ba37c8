/**
 * `npm run seed`: on an empty database, create what the first start creates (superadmin, demo
 * organisations and keys) and print the sign-in details; on an existing one, reset the demo
 * accounts' passwords and print them again. Stop the app first when it runs on the embedded database.
 */
import { getDatabase } from '../db/index';
import { formatCredentials, resetDemoPasswords, seedIfEmpty } from '../db/seed';
import { readEnv } from '../lib/env';

const env = readEnv();
const handle = getDatabase();
await handle.ready;
const created = await seedIfEmpty(handle.db, env);
const credentials = created ?? (await resetDemoPasswords(handle.db, env));
console.log(
  created ? 'Seeded an empty database.' : 'The database already had data: demo passwords were reset.',
);
console.log(formatCredentials(credentials));
await handle.close();
