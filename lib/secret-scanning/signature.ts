import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/**
 * Signatures of secret-scanning reports, in the partner format code-hosting scanners use: the raw
 * request body signed with ECDSA P-256 / SHA-256, the base64 DER signature in
 * Github-Public-Key-Signature and the signing key named by Github-Public-Key-Identifier.
 *
 * The public keys come from the file named by SECRET_SCANNING_KEYS_FILE, in the scanner's published
 * format {"public_keys":[{"key_identifier","key" (PEM),"is_current"}]}. Operators refresh the file (for
 * GitHub: from https://api.github.com/meta/public_keys/secret_scanning); the app never fetches it, so a
 * report can never make us call out. The file is re-read when it changes.
 */
type KeyFile = { public_keys?: { key_identifier?: unknown; key?: unknown; is_current?: unknown }[] };

let loaded: { path: string; mtimeMs: number; keys: Map<string, KeyObject> } | null = null;

export async function loadScannerKeys(
  path = process.env.SECRET_SCANNING_KEYS_FILE,
): Promise<Map<string, KeyObject>> {
  if (!path) return new Map();
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch {
    return new Map();
  }
  if (loaded && loaded.path === path && loaded.mtimeMs === mtimeMs) return loaded.keys;
  const keys = new Map<string, KeyObject>();
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as KeyFile;
    for (const entry of parsed.public_keys ?? []) {
      if (typeof entry.key_identifier !== 'string' || typeof entry.key !== 'string') continue;
      try {
        const key = createPublicKey(entry.key);
        // Only P-256 keys: a report signed with anything else is refused.
        if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
          keys.set(entry.key_identifier, key);
        }
      } catch {
        // an unreadable key is skipped; the others still work
      }
    }
  } catch (error) {
    console.error('SECRET_SCANNING_KEYS_FILE could not be read:', error);
  }
  loaded = { path, mtimeMs, keys };
  return keys;
}

/** Whether `signature` (base64 DER ECDSA) by the key `identifier` signs exactly `body`. */
export async function verifyReportSignature(
  body: Buffer,
  identifier: string | null,
  signature: string | null,
): Promise<boolean> {
  if (!identifier || !signature || signature.length > 512) return false;
  const key = (await loadScannerKeys()).get(identifier);
  if (!key) return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length === 0) return false;
  try {
    return verify('sha256', body, { key, dsaEncoding: 'der' }, bytes);
  } catch {
    return false;
  }
}
