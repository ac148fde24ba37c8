import { describe, expect, it } from 'vitest';
import { clientAddress, normaliseAddress, parseTrustedProxies, PEER_HEADER } from './client-address';

function headers(peer: string | null, forwarded?: string): Headers {
  const h = new Headers();
  if (peer !== null) h.set(PEER_HEADER, peer);
  if (forwarded) h.set('x-forwarded-for', forwarded);
  return h;
}

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(headers('::ffff:10.0.0.7', '1.2.3.4'), [])).toBe('10.0.0.7');
  });

  it('is null without the server-stamped peer', () => {
    expect(clientAddress(headers(null, '1.2.3.4'), [])).toBeNull();
  });

  it('takes the right-most untrusted X-Forwarded-For entry behind a trusted proxy', () => {
    const proxies = parseTrustedProxies('10.0.0.0/8, ::1');
    expect(clientAddress(headers('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.5'), proxies)).toBe('203.0.113.9');
    expect(clientAddress(headers('::1', '2001:db8::1'), proxies)).toBe('2001:db8::1');
  });

  it('stops at a garbled entry instead of believing what lies left of it', () => {
    const proxies = parseTrustedProxies('10.0.0.0/8');
    expect(clientAddress(headers('10.0.0.2', '6.6.6.6, not-an-ip'), proxies)).toBe('10.0.0.2');
  });

  it('refuses a TRUSTED_PROXIES entry that is not an address', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, proxy.local')).toThrow(/proxy\.local/);
  });

  it('normalises IPv4-mapped IPv6 and brackets', () => {
    expect(normaliseAddress('[::ffff:127.0.0.1]')).toBe('127.0.0.1');
    expect(normaliseAddress('nonsense')).toBeNull();
  });
});
