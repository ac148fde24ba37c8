import { describe, expect, it } from 'vitest';
import { ALLOW_ALL_MESSAGE, addressAllowed, normaliseAllowedIp } from './allowed-ips';

describe('normaliseAllowedIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.9/24 ', '203.0.113.0/24'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::ffff:198.51.100.1', '198.51.100.1'],
    ['10.0.0.1/32', '10.0.0.1'],
  ])('%s → %s', (input, value) => {
    expect(normaliseAllowedIp(input)).toEqual({ ok: true, value });
  });

  it.each(['0.0.0.0/0', '::/0', '1.2.3.4/0'])(
    'refuses allow-all %s, saying empty means anywhere',
    (input) => {
      expect(normaliseAllowedIp(input)).toEqual({ ok: false, message: ALLOW_ALL_MESSAGE });
    },
  );

  it.each(['', 'localhost', '300.1.1.1', '10.0.0.0/33', '1.2.3.4/abc'])('refuses %j', (input) => {
    expect(normaliseAllowedIp(input).ok).toBe(false);
  });
});

describe('addressAllowed', () => {
  const list = ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'];
  it('matches addresses and ranges of both families', () => {
    expect(addressAllowed(list, '203.0.113.200')).toBe(true);
    expect(addressAllowed(list, '198.51.100.7')).toBe(true);
    expect(addressAllowed(list, '::ffff:198.51.100.7')).toBe(true);
    expect(addressAllowed(list, '2001:db8:1::5')).toBe(true);
    expect(addressAllowed(list, '198.51.100.8')).toBe(false);
    expect(addressAllowed(list, '2001:db9::1')).toBe(false);
  });
  it('fails closed when the address is unknown', () => {
    expect(addressAllowed(list, null)).toBe(false);
    expect(addressAllowed(list, 'garbage')).toBe(false);
  });
});
