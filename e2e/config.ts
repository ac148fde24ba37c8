import { tmpdir } from 'node:os';
import path from 'node:path';

/** Shared by the Playwright config, fixtures and the server script. */
export const E2E_PASSWORD = 'e2e-demo-password';
const base = Number(process.env.E2E_PORT ?? 3100);
export const PORTS = { pglite: base, postgres: base + 1 } as const;
export const HAS_POSTGRES = Boolean(process.env.DATABASE_URL);

export const DEMO = {
  superadmin: 'superadmin@acme.example',
  admin: 'admin@acme.example',
  user: 'user@acme.example',
  globexAdmin: 'admin@globex.example',
} as const;

/** Where e2e/server.ts leaves the private key of its stand-in secret scanner for the tests. */
export const scannerPrivateKeyPath = (port: string | number) =>
  path.join(tmpdir(), `crm-e2e-scanner-${port}.pem`);
