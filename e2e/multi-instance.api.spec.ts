import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { createTestDatabase } from '../test/postgres-admin';
import { E2E_PASSWORD, HAS_POSTGRES, PORTS } from './config';
import { createKey, keyHeader, signInOverHttp } from './helpers/api';

/**
 * Two app instances on one PostgreSQL behave as one: a change made through one is refused by the
 * other within moments (LISTEN/NOTIFY evicts its key cache), even though the other had the key cached.
 */
test.describe('two app instances on one database', () => {
  test.skip(!HAS_POSTGRES, 'needs PostgreSQL (DATABASE_URL)');

  const portA = PORTS.postgres + 13;
  const portB = PORTS.postgres + 14;
  const servers: ChildProcess[] = [];
  let drop: (() => Promise<void>) | undefined;

  async function start(port: number, url: string) {
    const child = spawn(process.execPath, ['server.mjs'], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        PORT: String(port),
        DEMO_PASSWORD: E2E_PASSWORD,
        AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
        NEXTAUTH_URL: `http://localhost:${port}`,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: 'ignore',
    });
    servers.push(child);
    await expect
      .poll(async () => (await fetch(`http://localhost:${port}/crm/health`).catch(() => null))?.status ?? 0, {
        timeout: 60_000,
      })
      .toBe(200);
  }

  test.beforeAll(async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'api:postgres', 'runs once, in the PostgreSQL project');
    test.setTimeout(120_000);
    const created = await createTestDatabase(process.env.DATABASE_URL!, 'multi');
    drop = created.drop;
    await start(portA, created.url);
    await start(portB, created.url);
  });

  test.afterAll(async () => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise((resolve) =>
            s.exitCode !== null ? resolve(null) : (s.once('exit', resolve), s.kill('SIGTERM')),
          ),
      ),
    );
    await drop?.();
  });

  test('a key revoked through A is refused by B, which had it cached', async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'api:postgres', 'runs once, in the PostgreSQL project');
    const admin = await signInOverHttp(`http://localhost:${portA}`, 'admin');
    const acme = (
      (await (await admin.get('/crm/api-keys?limit=1')).json()) as { data: { organisation_id: string }[] }
    ).data[0].organisation_id;
    const { id, secret } = await createKey(admin, { permissions: ['customers:read'], tenants: [acme] });
    const onB = () => fetch(`http://localhost:${portB}/crm/me`, { headers: keyHeader(secret) });
    expect((await onB()).status).toBe(200);
    expect((await onB()).status).toBe(200);

    const revoked = await admin.post(`/crm/api-keys/${id}/revoke`);
    expect(revoked.status()).toBe(200);
    const started = Date.now();
    await expect.poll(async () => (await onB()).status, { timeout: 1000, intervals: [5] }).toBe(401);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(((await (await onB()).json()) as { error: { code: string } }).error.code).toBe('key_revoked');
  });

  test('permissions edited through B apply on A at once', async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'api:postgres', 'runs once, in the PostgreSQL project');
    const adminB = await signInOverHttp(`http://localhost:${portB}`, 'admin');
    const acme = (
      (await (await adminB.get('/crm/api-keys?limit=1')).json()) as { data: { organisation_id: string }[] }
    ).data[0].organisation_id;
    const { id, secret } = await createKey(adminB, { permissions: ['customers:read'], tenants: [acme] });
    const listOnA = () => fetch(`http://localhost:${portA}/crm/customers`, { headers: keyHeader(secret) });
    expect((await listOnA()).status).toBe(200);
    const edited = await adminB.patch(`/crm/api-keys/${id}`, { data: { permissions: ['leads:read'] } });
    expect(edited.status()).toBe(200);
    await expect.poll(async () => (await listOnA()).status, { timeout: 1000, intervals: [5] }).toBe(403);
  });
});
