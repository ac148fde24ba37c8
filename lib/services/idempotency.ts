import 'server-only';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { db } from '@/db';
import { idempotencyKeys } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { authSecret } from '@/lib/auth/secret';

/**
 * Idempotent creates (`Idempotency-Key` header), as Stripe does them: the first request with a key
 * runs and its response is kept; a retry with the same key and the same request gets that response
 * again instead of a second record; the same key with a different request is a 409.
 *
 * The kept response of an API key create holds the new secret, so it is a secret at rest. Choice:
 * keep it only 24 hours, encrypted with AES-256-GCM under a key derived (HKDF) from AUTH_SECRET,
 * with the caller and the Idempotency-Key as associated data, so a database dump alone reveals no
 * secret and a row cannot be replayed to another caller. The alternative, replaying the metadata
 * without the secret, would leave a script whose first response was lost with a key it can never use.
 */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A request still running holds its key this long; if its process died, the key frees itself. */
const PENDING_MS = 5 * 60 * 1000;

export type StoredResponse = { status: number; body: unknown };

let cachedKey: Buffer | undefined;
function encryptionKey(): Buffer {
  return (cachedKey ??= Buffer.from(
    hkdfSync('sha256', authSecret(), 'crm-idempotency', 'idempotency replay v1', 32),
  ));
}

function seal(plain: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function open(sealed: string, aad: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', encryptionKey(), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** SHA-256 of what makes two requests "the same": method, path and body. */
export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method}\n${path}\n${body.trim()}`).digest('hex');
}

const HEADER_VALUE = /^[\x20-\x7e]{1,255}$/;

/**
 * Run `create` at most once per (caller, key) within the replay window. Failed requests (any thrown
 * error) release the key, so a corrected retry may use it again.
 */
export async function runIdempotent(
  input: { caller: string; key: string; fingerprint: string },
  create: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!HEADER_VALUE.test(input.key)) {
    throw new AppError('bad_request', 'Idempotency-Key must be 1 to 255 printable ASCII characters.');
  }
  const aad = `${input.caller}\n${input.key}`;
  const where = and(eq(idempotencyKeys.caller, input.caller), eq(idempotencyKeys.key, input.key));
  // Expired replays go first (all callers', on the expiry index): nothing outlives its window.
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, new Date()));
  const claimed = await db
    .insert(idempotencyKeys)
    .values({
      caller: input.caller,
      key: input.key,
      fingerprint: input.fingerprint,
      expiresAt: new Date(Date.now() + PENDING_MS),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });

  if (claimed.length === 0) {
    const [row] = await db.select().from(idempotencyKeys).where(where).limit(1);
    if (!row) throw new AppError('conflict', 'A request with this Idempotency-Key just finished; retry.');
    if (row.fingerprint !== input.fingerprint) throw new AppError('idempotency_conflict');
    if (row.status === null || row.response === null) {
      throw new AppError('conflict', 'A request with this Idempotency-Key is still running; retry shortly.');
    }
    return { status: row.status, body: JSON.parse(open(row.response, aad)), replayed: true };
  }

  let result: StoredResponse;
  try {
    result = await create();
  } catch (error) {
    await db.delete(idempotencyKeys).where(where);
    throw error;
  }
  await db
    .update(idempotencyKeys)
    .set({
      status: result.status,
      response: seal(JSON.stringify(result.body), aad),
      expiresAt: sql`now() + interval '24 hours'`,
    })
    .where(where);
  return { ...result, replayed: false };
}
