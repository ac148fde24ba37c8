import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningSecret, signPayload, verifySignature } from './signing';

describe('webhook signatures', () => {
  it('makes distinct 256-bit secrets', () => {
    const secrets = new Set(Array.from({ length: 200 }, generateSigningSecret));
    expect(secrets.size).toBe(200);
    for (const s of secrets) expect(s).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256, as a receiver recomputes it', () => {
    const secret = generateSigningSecret();
    const body = '{"id":"1","type":"customer.created"}';
    const expected = createHmac('sha256', secret).update(`1767225600.${body}`).digest('hex');
    expect(signPayload(secret, 1767225600, body)).toBe(`sha256=${expected}`);
  });

  it('verifies, and refuses a changed body, another secret, an old timestamp or garbage', () => {
    const secret = generateSigningSecret();
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const body = '{"a":1}';
    const signature = signPayload(secret, ts, body);
    const ok = { timestamp: String(ts), body, signature };
    expect(verifySignature(secret, ok, { now })).toBe(true);
    expect(verifySignature(secret, { ...ok, body: '{"a":2}' }, { now })).toBe(false);
    expect(verifySignature(generateSigningSecret(), ok, { now })).toBe(false);
    expect(verifySignature(secret, ok, { now: now + 301_000 })).toBe(false);
    expect(verifySignature(secret, { ...ok, timestamp: String(ts + 1) }, { now })).toBe(false);
    expect(verifySignature(secret, { ...ok, signature: null }, { now })).toBe(false);
    expect(verifySignature(secret, { ...ok, timestamp: 'soon' }, { now })).toBe(false);
    expect(verifySignature(secret, { ...ok, signature: 'sha256=00' }, { now })).toBe(false);
  });
});
