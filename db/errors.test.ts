import { describe, expect, it } from 'vitest';
import { errorCode, isDatabaseUnavailable } from './errors';

const withCode = (code: string) => Object.assign(new Error('x'), { code });

describe('database unavailable or not', () => {
  it('connection errors, shutdowns and our timeouts are "not now" (503)', () => {
    for (const code of [
      'ECONNREFUSED',
      'CONNECT_TIMEOUT',
      'CONNECTION_CLOSED',
      '57P01',
      '57P03',
      '08006',
      '53300',
      '57014',
      '55P03',
    ]) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    }
  });

  it('bugs and constraint violations are not (500 or a 4xx)', () => {
    for (const code of ['23505', '42P01', '22P02', '40001'])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  it('looks through drizzle’s wrapper to the driver’s error', () => {
    const wrapped = Object.assign(new Error('Failed query: select 1\nparams: '), {
      cause: withCode('ECONNRESET'),
    });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(errorCode(wrapped)).toBe('ECONNRESET');
  });
});
