import { describe, expect, it } from 'vitest';
import {
  KEY_PREFIXES,
  describeKey,
  generateKey,
  hashKey,
  hashesEqual,
  parseKey,
  visibleIdentifier,
} from './format';

describe('generateKey', () => {
  it('makes integration and personal keys with distinct visible prefixes', () => {
    expect(generateKey('integration')).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
    expect(generateKey('personal')).toMatch(/^pat_live_[0-9A-Za-z]{38}$/);
  });

  it('never repeats and spreads over the whole base62 alphabet', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateKey('integration')));
    expect(keys.size).toBe(2000);
    const chars = new Set([...keys].flatMap((k) => [...k.slice(8, 40)]));
    expect(chars.size).toBe(62);
  });

  it('produces keys that parse, with their kind', () => {
    const key = generateKey('personal');
    expect(parseKey(key)).toEqual({ kind: 'personal', prefix: KEY_PREFIXES.personal, key });
  });
});

describe('parseKey rejects malformed keys', () => {
  const good = generateKey('integration');
  const cases: [string, unknown][] = [
    ['empty', ''],
    ['not a string', 42],
    ['undefined', undefined],
    ['wrong prefix', good.replace('sk_live_', 'sk_test_')],
    ['no prefix', good.slice(8)],
    ['bad checksum', good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A')],
    [
      'one character changed in the random part',
      good.slice(0, 10) + (good[10] === 'x' ? 'y' : 'x') + good.slice(11),
    ],
    ['too short', good.slice(0, -2)],
    ['too long', good + 'A'],
    ['unicode look-alike', good.slice(0, 12) + 'е' + good.slice(13)],
    ['emoji', good.slice(0, 12) + '🔑' + good.slice(14)],
    ['whitespace', ` ${good}`],
    ['newline', `${good}\n`],
    ['10 KB header', 'sk_live_' + 'A'.repeat(10 * 1024)],
    ['SQL', "sk_live_' or 1=1 --"],
  ];
  it.each(cases)('%s', (_name, input) => {
    expect(parseKey(input)).toBeNull();
  });
});

describe('hashing and masking', () => {
  it('hashes with SHA-256 and compares in constant time', () => {
    const key = generateKey('integration');
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashesEqual(hashKey(key), hashKey(key))).toBe(true);
    expect(hashesEqual(hashKey(key), hashKey(generateKey('integration')))).toBe(false);
    expect(hashesEqual(hashKey(key), '')).toBe(false);
  });

  it('keeps only the prefix and the last four characters', () => {
    const key = generateKey('integration');
    const described = describeKey(key);
    expect(described).toEqual({ prefix: 'sk_live_', lastFour: key.slice(-4) });
    expect(visibleIdentifier(described)).toBe(`sk_live_…${key.slice(-4)}`);
    expect(() => describeKey('nope')).toThrow();
  });
});
