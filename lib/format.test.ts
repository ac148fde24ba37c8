import { describe, expect, it } from 'vitest';
import { formatRelative, formatUtc } from './format';

describe('time formats', () => {
  const now = new Date('2026-06-15T12:00:00Z');

  it('writes exact times in UTC', () => {
    expect(formatUtc(new Date('2026-06-15T09:04:22.123Z'))).toBe('2026-06-15 09:04:22 UTC');
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
