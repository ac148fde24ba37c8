import * as nodeCrypto from 'node:crypto';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Key format: <prefix><32 base62 random chars><6 base62 checksum chars>
 *
 *   sk_live_  integration keys ("API clients", managed by admins)
 *   pat_live_ personal keys (a user's own key, acting as that user)
 *
 * 32 base62 characters carry 190 bits of entropy. The checksum is CRC32 of prefix + random part,
 * as GitHub's tokens carry one, so a truncated or mistyped key is refused without a database read.
 */
export const KEY_PREFIXES = { integration: 'sk_live_', personal: 'pat_live_' } as const;
export type KeyKind = keyof typeof KEY_PREFIXES;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
/** Longest well-formed key; anything longer is refused before any work on it. */
export const MAX_KEY_LENGTH =
  Math.max(...Object.values(KEY_PREFIXES).map((p) => p.length)) + RANDOM_LENGTH + CHECKSUM_LENGTH;

const KEY_PATTERN = new RegExp(
  `^(${Object.values(KEY_PREFIXES).join('|')})([0-9A-Za-z]{${RANDOM_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);

function toBase62(value: number, length: number): string {
  let out = '';
  let n = value;
  for (let i = 0; i < length; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function checksum(body: string): string {
  // 62^6 > 2^32, so six characters hold every CRC32 value.
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

/** A fresh key from the operating system's CSPRNG (randomInt draws without modulo bias). */
export function generateKey(kind: KeyKind): string {
  const prefix = KEY_PREFIXES[kind];
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += BASE62[randomInt(62)];
  return prefix + random + checksum(prefix + random);
}

export type ParsedKey = { kind: KeyKind; prefix: string; key: string };

/**
 * Check the shape and checksum of a presented key. Pure and cheap: this is what lets malformed keys
 * be refused before the database is touched.
 */
export function parseKey(input: unknown): ParsedKey | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_KEY_LENGTH) return null;
  // One test without captures, then the parts by position: this runs on every request.
  if (!KEY_PATTERN.test(input)) return null;
  const kind: KeyKind = input.startsWith(KEY_PREFIXES.personal) ? 'personal' : 'integration';
  const prefix = KEY_PREFIXES[kind];
  const bodyLength = input.length - CHECKSUM_LENGTH;
  if (crc32(input.slice(0, bodyLength)) !== fromBase62(input, bodyLength)) return null;
  return { kind, prefix, key: input };
}

/** The number written in base62 from `start` to the end of `text` (the checksum's six characters). */
function fromBase62(text: string, start: number): number {
  let n = 0;
  for (let i = start; i < text.length; i++) n = n * 62 + BASE62_VALUE[text.charCodeAt(i)];
  return n;
}

const BASE62_VALUE: number[] = [];
for (let i = 0; i < BASE62.length; i++) BASE62_VALUE[BASE62.charCodeAt(i)] = i;

/**
 * SHA-256, not argon2 or bcrypt: keys carry 190 bits of entropy, so a fast hash is already beyond
 * brute force, and a slow one would cost tens of milliseconds on every request.
 */
export function hashKey(key: string): string {
  return oneShotHash
    ? oneShotHash('sha256', key, 'hex')
    : createHash('sha256').update(key, 'utf8').digest('hex');
}

// crypto.hash (Node ≥ 20.12): the same digest without a Hash object, ~3× faster on a key-sized
// input — it runs on every request, cache hit or not.
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string })
  .hash;

/** Constant-time comparison of two hex digests (e.g. a cached hash against a presented key's). */
export function hashesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && ab.length > 0 && timingSafeEqual(ab, bb);
}

/** What is stored about a key besides its hash: enough to recognise it, never to use it. */
export function describeKey(key: string): { prefix: string; lastFour: string } {
  const parsed = parseKey(key);
  if (!parsed) throw new Error('describeKey: not a well-formed key');
  return { prefix: parsed.prefix, lastFour: key.slice(-4) };
}

/** The masked form shown in lists, logs and audit: "sk_live_…XyZ9". */
export function visibleIdentifier(key: { prefix: string; lastFour: string }): string {
  return `${key.prefix}…${key.lastFour}`;
}
