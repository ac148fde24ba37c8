import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hashKey } from '@/lib/keys/format';
import { KeyFilter, TokenBucket } from './key-filter';

describe('KeyFilter', () => {
  it('never forgets a key it was given and rarely claims an unknown one', () => {
    // Random digests stand in for key hashes (they are uniform either way), so the test stays fast.
    const digest = () => hashKey(randomBytes(16).toString('hex'));
    const filter = new KeyFilter(20_000);
    const known = Array.from({ length: 20_000 }, digest);
    known.forEach((h) => filter.add(h));
    expect(known.every((h) => filter.mightContain(h))).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 20_000; i++) if (filter.mightContain(digest())) falsePositives++;
    expect(falsePositives / 20_000).toBeLessThan(0.01);
  });
});

describe('TokenBucket', () => {
  it('allows a burst up to its rate, then refuses', () => {
    const bucket = new TokenBucket(50);
    const allowed = Array.from({ length: 200 }, () => bucket.take()).filter(Boolean).length;
    expect(allowed).toBeGreaterThanOrEqual(50);
    expect(allowed).toBeLessThan(60);
  });
});
