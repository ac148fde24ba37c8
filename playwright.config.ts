import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { HAS_POSTGRES, PORTS } from './e2e/config';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get install -y chromium`);
}

const pgliteURL = `http://localhost:${PORTS.pglite}`;
const postgresURL = `http://localhost:${PORTS.postgres}`;

/**
 * The built app (`next build` first) is served twice: on PGlite and, when DATABASE_URL is set, on a
 * fresh PostgreSQL database. HTTP specs (*.api.spec.ts) run against both; browser specs run against
 * PostgreSQL when it is there (the production setting), otherwise PGlite.
 */
export default defineConfig({
  testDir: './e2e',
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'api:pglite', testMatch: /.*\.api\.spec\.ts/, use: { baseURL: pgliteURL } },
    ...(HAS_POSTGRES
      ? [{ name: 'api:postgres', testMatch: /.*\.api\.spec\.ts/, use: { baseURL: postgresURL } }]
      : []),
    {
      name: 'browser',
      testMatch: /.*\.e2e\.spec\.ts/,
      use: {
        baseURL: HAS_POSTGRES ? postgresURL : pgliteURL,
        browserName: 'chromium',
        viewport: { width: 1400, height: 900 },
      },
    },
  ],
  webServer: [
    {
      command: `npx tsx e2e/server.ts pglite ${PORTS.pglite}`,
      url: `${pgliteURL}/login`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      stdout: 'pipe',
    },
    ...(HAS_POSTGRES
      ? [
          {
            command: `npx tsx e2e/server.ts postgres ${PORTS.postgres}`,
            url: `${postgresURL}/login`,
            reuseExistingServer: false,
            timeout: 120_000,
            gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
            stdout: 'pipe' as const,
          },
        ]
      : []),
  ],
});
