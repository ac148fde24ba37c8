/**
 * A Bloom filter of the hashes of every key that exists: "certainly unknown" or "maybe known".
 *
 * It is what keeps a flood of random, well-formed keys (each with a valid checksum, each distinct, so
 * a negative cache cannot help) from turning into one database query per request. Written here
 * rather than taken from a library: its input is already a SHA-256 digest, so the k bit positions
 * are just k 32-bit slices of it — no hashing of our own, nothing for a library to add.
 */
export class KeyFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  added = 0;

  /** Sized for `capacity` keys at about 0.3% false positives (12 bits per key, 8 probes). */
  constructor(readonly capacity: number) {
    let m = 1 << 20;
    while (m < capacity * 12 && m < 1 << 31) m *= 2;
    this.bits = new Uint32Array(m / 32);
    this.mask = m - 1;
  }

  private *positions(hexHash: string): Generator<number> {
    for (let i = 0; i < 8; i++) yield parseInt(hexHash.slice(i * 8, i * 8 + 8), 16) & this.mask;
  }

  add(hexHash: string): void {
    for (const p of this.positions(hexHash)) this.bits[p >>> 5] |= 1 << (p & 31);
    this.added++;
  }

  mightContain(hexHash: string): boolean {
    for (const p of this.positions(hexHash)) {
      if ((this.bits[p >>> 5] & (1 << (p & 31))) === 0) return false;
    }
    return true;
  }
}

/** A token bucket: at most `perSecond` events a second, with bursts up to `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
