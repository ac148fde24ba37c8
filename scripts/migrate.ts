/** `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded database. */
import { getDatabase } from '../db/index';

const handle = getDatabase();
await handle.ready;
console.log(`Migrations applied (${handle.driver}).`);
await handle.close();
