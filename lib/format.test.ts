import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatExpiry, formatRelative, formatUtc } from './format';

describe('time formats', () => {
  const now = new Date('2026-06-15T12:00:00Z');

  it('writes dates and times one way, in UTC, day first', () => {
    expect(formatDate(new Date('2027-02-27T23:30:00Z'))).toBe('27 Feb 2027');
    expect(formatDateTime(new Date('2027-02-27T09:04:22Z'))).toBe('27 Feb 2027, 09:04 UTC');
    expect(formatDateTime('2027-02-27T00:00:00Z')).toBe('27 Feb 2027, 00:00 UTC');
    expect(formatUtc(new Date('2026-06-15T09:04:22.123Z'))).toBe('15 Jun 2026, 09:04:22 UTC');
    expect(formatDate(null)).toBe('—');
    expect(formatDateTime(null, 'Never')).toBe('Never');
  });

  it('names the last day a key works', () => {
    expect(formatExpiry(new Date('2027-02-28T00:00:00Z'))).toBe('27 Feb 2027');
    expect(formatExpiry(null)).toBe('No expiry');
  });

  it('writes relative times in the largest whole unit', () => {
    expect(formatRelative(new Date(now.getTime() - 20_000), now)).toBe('just now');
    expect(formatRelative(new Date(now.getTime() - 3 * 60_000), now)).toBe('3 minutes ago');
    expect(formatRelative(new Date(now.getTime() - 5 * 3600_000), now)).toBe('5 hours ago');
    expect(formatRelative(new Date(now.getTime() - 86400_000), now)).toBe('yesterday');
    expect(formatRelative(new Date(now.getTime() - 45 * 86400_000), now)).toBe('last month');
    expect(formatRelative(new Date(now.getTime() + 14 * 86400_000), now)).toBe('in 2 weeks');
  });
});
