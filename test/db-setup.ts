import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from './postgres-admin';

/**
 * Points the app's one database module at a fresh database for this test file: an in-memory PGlite,
 * or a new PostgreSQL database created from DATABASE_URL and dropped afterwards.
 */
let drop: (() => Promise<void>) | undefined;
const baseUrl = process.env.DATABASE_URL;

if (process.env.TEST_DB === 'postgres') {
  if (!baseUrl) throw new Error('db:postgres tests need DATABASE_URL');
  const created = await createTestDatabase(baseUrl, 'vitest');
  process.env.DATABASE_URL = created.url;
  drop = created.drop;
} else {
  delete process.env.DATABASE_URL;
  process.env.DATA_DIR = 'memory://';
}
process.env.AUTH_SECRET ??= 'test-secret-test-secret-test-secret-0123';

beforeAll(async () => {
  const { getDatabase } = await import('@/db');
  await getDatabase().ready;
});

afterAll(async () => {
  const { getDatabase } = await import('@/db');
  await getDatabase().close();
  (globalThis as Record<symbol, unknown>)[Symbol.for('crm.database')] = undefined;
  (globalThis as Record<symbol, unknown>)[Symbol.for('crm.database.ready')] = undefined;
  await drop?.();
});
