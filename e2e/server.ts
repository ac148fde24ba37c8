/**
 * Starts the production build (`next start`) for the e2e and HTTP tests on a fresh database:
 *   tsx e2e/server.ts pglite <port>     → a new PGlite data folder in a temp dir
 *   tsx e2e/server.ts postgres <port>   → a new database on the PostgreSQL of DATABASE_URL
 * and removes it again when Playwright stops the server.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/postgres-admin';
import { E2E_PASSWORD, scannerPrivateKeyPath } from './config';

const [mode, port] = process.argv.slice(2);
if ((mode !== 'pglite' && mode !== 'postgres') || !port) {
  console.error('usage: tsx e2e/server.ts pglite|postgres <port>');
  process.exit(2);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: port,
  DEMO_PASSWORD: E2E_PASSWORD,
  NEXT_TELEMETRY_DISABLED: '1',
  WEBHOOKS_ALLOW_PRIVATE: '1',
  AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
  NEXTAUTH_URL: `http://localhost:${port}`,
  // Usage counts reach the database within half a second, so tests can read them back.
  USAGE_FLUSH_MS: '500',
  // The test runner is the trusted proxy: a spec names its client with X-Forwarded-For, so each
  // throttle test counts from an address of its own (requests without the header are 127.0.0.1).
  TRUSTED_PROXIES: '127.0.0.1,::1',
};
// A stand-in secret scanner: its public key in the scanner's published format for the app, its private
// key beside it for the HTTP tests that sign reports (e2e/helpers/scanner.ts).
const scanner = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const scannerDir = mkdtempSync(path.join(tmpdir(), 'crm-e2e-scanner-'));
env.SECRET_SCANNING_KEYS_FILE = path.join(scannerDir, 'public-keys.json');
writeFileSync(
  env.SECRET_SCANNING_KEYS_FILE,
  JSON.stringify({
    public_keys: [
      {
        key_identifier: 'e2e-scanner',
        key: scanner.publicKey.export({ type: 'spki', format: 'pem' }),
        is_current: true,
      },
    ],
  }),
);
writeFileSync(scannerPrivateKeyPath(port), scanner.privateKey.export({ type: 'pkcs8', format: 'pem' }));

let cleanup: () => Promise<void>;
if (mode === 'postgres') {
  if (!process.env.DATABASE_URL) throw new Error('postgres mode needs DATABASE_URL');
  const created = await createTestDatabase(process.env.DATABASE_URL, 'e2e');
  env.DATABASE_URL = created.url;
  cleanup = created.drop;
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-e2e-'));
  delete env.DATABASE_URL;
  env.DATA_DIR = dir;
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
}

const child = spawn(process.execPath, ['server.mjs'], {
  env,
  stdio: 'inherit',
});
let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
child.on('exit', async (code) => {
  rmSync(scannerDir, { recursive: true, force: true });
  rmSync(scannerPrivateKeyPath(port), { force: true });
  await cleanup().catch((e) => console.error('e2e cleanup failed:', e));
  process.exit(code ?? 0);
});
