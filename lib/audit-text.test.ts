import { describe, expect, it } from 'vitest';
import { auditActionLabel, auditValue, displayIp, summariseUserAgent } from './audit-text';

describe('audit events in words', () => {
  it('labels actions for people, and still says something for an unknown one', () => {
    expect(auditActionLabel('key.regenerated')).toBe('API key regenerated');
    expect(auditActionLabel('organisation.api_access_changed')).toBe('API access for non-admins changed');
    expect(auditActionLabel('report.exported')).toBe('Report exported');
  });

  it('shows IPv4-mapped addresses as IPv4', () => {
    expect(displayIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(displayIp('2001:db8::1')).toBe('2001:db8::1');
    expect(displayIp(null)).toBeNull();
  });

  it('summarises user agents', () => {
    expect(summariseUserAgent('curl/8.5.0')).toBe('curl 8.5');
    expect(
      summariseUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 131 on macOS');
    expect(
      summariseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'),
    ).toBe('Firefox 133 on Windows');
  });

  it('writes values with names and the one date format', () => {
    const names = new Map([['0b0e0f3c-1111-4111-8111-111111111111', 'Acme Telecom']]);
    expect(auditValue(['0b0e0f3c-1111-4111-8111-111111111111'], names)).toBe('Acme Telecom');
    expect(auditValue('2027-02-28T00:00:00.000Z')).toBe('28 Feb 2027, 00:00 UTC');
    expect(auditValue('all')).toBe('all tenants');
  });
});
