/**
 * Run by `npm install` / `npm ci` (postinstall): repairs two bugs of the `postgres` driver
 * (postgres-js 3.4.9, the latest release) in its write batching, which left a pool connection dead for
 * good after a database outage, and threw an uncaught exception in the server during one. Tests:
 * db/reconnect.db.test.ts. Reported upstream, not released (porsager/postgres#1176, #1208;
 * LanternOps/breeze#3225).
 *
 * The driver batches small writes behind a setImmediate and schedules one only when its handle
 * (`nextWriteTimer`) is null; only the write itself sets it back to null.
 *  1. teardown: when a connection closes with a write pending, `closed()` / `terminate()` cancel the
 *     immediate but keep the stale handle and the buffered bytes, so that connection never writes
 *     again: each later connect sends no startup message and ends in CONNECT_TIMEOUT, failing a
 *     request every ~2 s until the process restarts (the late 503s of `npm run loadtest`). Fix: drop
 *     both there, as the write does.
 *  2. lost write: a write to a connection whose socket is already gone (the rollback of a transaction
 *     whose connection died) calls `null.write` from the immediate — an uncaught TypeError — and its
 *     query never settles. Fix: reject what was to be written with CONNECTION_CLOSED, as for any
 *     query on a lost connection.
 *
 * Idempotent. Fails the install when the code to patch is not found, so that a driver upgrade is a
 * conscious decision: if the new version has the fixes, delete this script and its postinstall line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MARKER = '// crm: scripts/patch-postgres.mjs';
const root = path.join(process.cwd(), 'node_modules', 'postgres');
// The same source, built three ways: ESM (src), CommonJS (cjs, what Next's server loads), Workers (cf).
const files = ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'];
const patches = [
  {
    name: 'teardown',
    // The teardowns' bare `clearImmediate(nextWriteTimer)` lines (the write's own is guarded by `!== null`).
    find: /^( +)clearImmediate\(nextWriteTimer\)\n/gm,
    expected: 2,
    replace: (line, indent) => `${line}${indent}chunk = nextWriteTimer = null ${MARKER} teardown\n`,
  },
  {
    name: 'lost write',
    find: /^( +)function nextWrite\(fn\) \{\n/gm,
    expected: 1,
    replace: (line, indent) =>
      [
        line.trimEnd(),
        `${indent}  if (socket === null) { ${MARKER} lost write`,
        `${indent}    const err = Errors.connection('CONNECTION_CLOSED', options)`,
        `${indent}    chunk = nextWriteTimer = null`,
        `${indent}    query && queryError(query, err)`,
        `${indent}    while (sent.length) queryError(sent.shift(), err)`,
        `${indent}    query = null`,
        `${indent}    return true`,
        `${indent}  }`,
        '',
      ].join('\n'),
  },
];

if (!existsSync(root)) process.exit(0); // e.g. an install without the driver
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

for (const file of files) {
  const full = path.join(root, file);
  if (!existsSync(full)) continue;
  let source = readFileSync(full, 'utf8');
  for (const patch of patches) {
    if (source.includes(`${MARKER} ${patch.name}`)) continue;
    const found = source.match(patch.find)?.length ?? 0;
    if (found !== patch.expected) {
      console.error(
        `patch-postgres: postgres ${version} ${file}: ${found} place(s) for the "${patch.name}" fix, ` +
          `expected ${patch.expected}. Does this version fix it? See scripts/patch-postgres.mjs.`,
      );
      process.exit(1);
    }
    source = source.replace(patch.find, patch.replace);
  }
  writeFileSync(full, source);
}
