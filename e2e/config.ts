import { tmpdir } from 'node:os';
import path from 'node:path';

/** Shared by the Playwright config, fixtures and the server script. */
export const E2E_PASSWORD = 'e2e-demo-password';
const base = Number(process.env.E2E_PORT ?? 3100);
export const PORTS = { pglite: base, postgres: base + 1 } as const;
/*
 * Specs that start apps of their own take ports from base + offset, each its own range, since two
 * workers run specs side by side: usage-shutdown +2..3, webhook-delivery +10..11, multi-instance
 * +14..15, access-matrix +20..21, reliability +24..25, openapi-fuzz +30..31, webhook-reliability
 * +41..42 and +50, key-rate-limit +52..53, key-webhooks +56..57. A new spec takes a free range and adds
 * itself here.
 */
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
