/**
 * The built app (`next start`) as a child process of a test, for tests that must stop and start it
 * themselves (a restart in the middle of a test). Uses the same production build as the other specs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../db/index';
import { apiKeys, users } from '../db/schema';
import { seedIfEmpty } from '../db/seed';
import { readEnv } from '../lib/env';
import { issueSecret } from '../lib/keys/issue';
import { createTestDatabase } from '../test/postgres-admin';
import { E2E_PASSWORD } from './config';

export type AppDatabase = {
  /** DATA_DIR or DATABASE_URL for the app. */
  env: Record<string, string>;
  /** Open it from the test (PGlite: only while the app is stopped — one process per data folder). */
  open: () => DatabaseHandle;
  remove: () => Promise<void>;
};

/** A fresh database of the given kind, migrated and seeded with the demo, as the app's first start would. */
export async function createAppDatabase(mode: 'pglite' | 'postgres'): Promise<AppDatabase> {
  let db: AppDatabase;
  if (mode === 'postgres') {
    if (!process.env.DATABASE_URL) throw new Error('postgres mode needs DATABASE_URL');
    const created = await createTestDatabase(process.env.DATABASE_URL, 'e2e');
    db = {
      env: { DATABASE_URL: created.url },
      open: () => openDatabase({ url: created.url, dataDir: '' }),
      remove: created.drop,
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'crm-e2e-restart-'));
    db = {
      env: { DATA_DIR: dir },
      open: () => openDatabase({ dataDir: dir }),
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const handle = db.open();
  try {
    await handle.ready;
    await seedIfEmpty(handle.db, { ...readEnv({} as NodeJS.ProcessEnv), DEMO_PASSWORD: E2E_PASSWORD });
  } finally {
    await handle.close();
  }
  return db;
}

/** Give a demo user a personal key straight in the database (the app is stopped); returns the secret. */
export async function insertPersonalKey(database: AppDatabase, email: string): Promise<string> {
  const handle = database.open();
  try {
    await handle.ready;
    const [user] = await handle.db.select().from(users).where(eq(users.email, email));
    const { secret, columns } = issueSecret('personal');
    await handle.db.insert(apiKeys).values({
      organisationId: user.organisationId,
      kind: 'personal',
      userId: user.id,
      name: 'Personal key',
      ...columns,
      createdByUserId: user.id,
    });
    return secret;
  } finally {
    await handle.close();
  }
}

export type RunningApp = {
  baseURL: string;
  /** SIGTERM: the graceful shutdown (SIGKILL if it has not exited after 15 s). */
  stop: () => Promise<void>;
  /** SIGKILL: the process dies on the spot, mid-whatever it was doing. */
  kill: () => Promise<void>;
};

/** Start `next start` on `port` with `env`, resolved once /crm/health answers 200. */
export async function startApp(port: number, env: Record<string, string>): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, ['server.mjs'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: '',
      ...env,
      PORT: String(port),
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      NEXTAUTH_URL: `http://localhost:${port}`,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const baseURL = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`the app on port ${port} exited before it was ready`);
    try {
      const res = await fetch(`${baseURL}/crm/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseURL,
    kill: async () => {
      if (exited) return;
      child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
