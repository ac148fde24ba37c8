import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite is an embedded database: one process at a time may open its folder. The process that opens
 * it leaves its pid in `<DATA_DIR>/app.pid`, so `npm run seed` can refuse while the app runs instead
 * of writing passwords into a copy the running app never reads.
 */
function lockFile(dataDir: string): string {
  return path.join(dataDir, 'app.pid');
}

/** The pid of a live process holding the embedded database in this folder, or null. */
export function embeddedDatabaseHolder(dataDir: string): number | null {
  const file = lockFile(dataDir);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return pid;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; ESRCH: a stale file from a crash.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** Mark this process as the holder until it exits. */
export function claimEmbeddedDatabase(dataDir: string): void {
  const file = lockFile(dataDir);
  writeFileSync(file, String(process.pid));
  process.once('exit', () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
    } catch {
      // Already gone.
    }
  });
}
