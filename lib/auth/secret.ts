import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, readEnv } from '@/lib/env';

let cached: string | undefined;

/**
 * The secret that signs session cookies: AUTH_SECRET when set; otherwise generated once and kept in
 * the data folder (mode 0600) so a restart keeps everyone signed in.
 */
export function authSecret(): string {
  if (cached) return cached;
  const env = readEnv();
  if (env.AUTH_SECRET) return (cached = env.AUTH_SECRET);
  const dir = env.DATA_DIR.startsWith('memory://') ? path.resolve('.data') : dataDir(env);
  const file = path.join(dir, 'auth-secret');
  try {
    cached = readFileSync(file, 'utf8').trim();
    if (cached.length >= 32) return cached;
  } catch {
    // first start: fall through and create it
  }
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    cached = secret;
  } catch {
    // another process created it first: use theirs
    cached = readFileSync(file, 'utf8').trim();
  }
  return cached;
}
