import 'server-only';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { db } from '@/db';
import { getReadyDatabase } from '@/db/bootstrap';
import { rowsOf } from '@/db/rows';
import { AppError } from '@/lib/errors';
import { withDeadline } from '@/lib/deadline';

/** Health checks answer within this, database or not. */
const CHECK_DEADLINE_MS = 1_500;

let latestMigration: number | undefined;

/** The creation time of the newest migration this build ships (drizzle's journal). */
function newestShippedMigration(): number {
  if (latestMigration === undefined) {
    const journal = JSON.parse(
      readFileSync(path.join(process.cwd(), 'drizzle', 'meta', '_journal.json'), 'utf8'),
    ) as { entries: { when: number }[] };
    latestMigration = Math.max(0, ...journal.entries.map((e) => e.when));
  }
  return latestMigration;
}

function withinDeadline<T>(work: Promise<T>): Promise<T> {
  return withDeadline(work, CHECK_DEADLINE_MS, () => new Error('timeout'));
}

/** The database answers a query: its round trip in ms; service_unavailable otherwise. */
export async function checkDatabase(): Promise<number> {
  const started = performance.now();
  try {
    await withinDeadline(
      (async () => {
        await getReadyDatabase();
        await db.execute(sql`select 1`);
      })(),
    );
  } catch {
    throw new AppError('service_unavailable', 'The database is unreachable.');
  }
  return Math.round(performance.now() - started);
}

/**
 * Ready to take traffic: the database answers and has every migration of this build (another
 * instance may be migrating it, or a rollout may run an older schema).
 */
export async function checkReadiness(): Promise<number> {
  const started = performance.now();
  let applied: number;
  try {
    const result = await withinDeadline(
      (async () => {
        await getReadyDatabase();
        return db.execute<{ latest: string | number | null }>(
          sql`select max(created_at) as latest from drizzle.__drizzle_migrations`,
        );
      })(),
    );
    applied = Number(rowsOf<{ latest: string | number | null }>(result)[0]?.latest ?? 0);
  } catch {
    throw new AppError('service_unavailable', 'The database is unreachable.');
  }
  if (applied < newestShippedMigration()) {
    throw new AppError('service_unavailable', 'The database schema is not up to date yet.');
  }
  return Math.round(performance.now() - started);
}
