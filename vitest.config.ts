import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(new URL(import.meta.url).pathname);
const shared = {
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside React Server Components; tests import server modules directly.
      { find: 'server-only', replacement: `${root}/test/empty.ts` },
    ],
  },
};

/**
 * Unit tests (*.test.ts) run once. Database tests (*.db.test.ts) run on PGlite always and on
 * PostgreSQL too when DATABASE_URL is set, each file on a fresh database that is dropped after.
 */
export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['{lib,db,app}/**/*.test.ts'],
          exclude: ['**/*.db.test.ts'],
          environment: 'node',
        },
      },
      {
        ...shared,
        test: {
          name: 'db:pglite',
          include: ['{lib,db,app}/**/*.db.test.ts'],
          env: { TEST_DB: 'pglite' },
          setupFiles: ['test/db-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(process.env.DATABASE_URL
        ? [
            {
              ...shared,
              test: {
                name: 'db:postgres',
                include: ['{lib,db,app}/**/*.db.test.ts'],
                env: { TEST_DB: 'postgres' },
                setupFiles: ['test/db-setup.ts'],
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
    ],
  },
});
