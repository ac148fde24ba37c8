import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { noQuerySchema, parseQuery, requestOrigin } from './request';

const headers = (h: Record<string, string>) => new Headers({ 'x-crm-peer': '203.0.113.5', ...h });
const forged = { host: 'crm.example.com', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

describe('requestOrigin (the OpenAPI document server URL)', () => {
  afterEach(() => {
    delete process.env.TRUSTED_PROXIES;
  });

  it('ignores X-Forwarded-Host/-Proto from a peer that is not a trusted proxy', () => {
    expect(requestOrigin(headers(forged))).toBe('http://crm.example.com');
    expect(requestOrigin(headers(forged), 'https://crm.example.org/app')).toBe('https://crm.example.org');
  });

  it('believes them from a trusted proxy', () => {
    process.env.TRUSTED_PROXIES = '203.0.113.0/24';
    expect(requestOrigin(headers(forged), 'https://crm.example.org')).toBe('https://evil.example');
    expect(requestOrigin(headers({ host: 'a.example' }))).toBe('http://a.example');
  });

  it('falls back to the configured URL when the host is garbled', () => {
    expect(requestOrigin(headers({ host: 'a b<c>' }))).toBe('http://localhost:3000');
  });
});

describe('parseQuery: one strictness rule for every list', () => {
  const schema = z.object({ status: z.string().default('all'), page: z.coerce.number().default(1) });
  const query = (qs: string) => parseQuery(new Request(`http://x/crm/api-keys?${qs}`), schema);

  it('rejects unknown parameters with a 422 naming each, even for a non-strict schema', () => {
    expect(() => query('stauts=revoked')).toThrow(AppError);
    try {
      query('stauts=revoked&page=2&zzz=1');
    } catch (error) {
      expect((error as AppError).code).toBe('validation_failed');
      expect(Object.keys((error as AppError).fields ?? {})).toEqual(['stauts', 'zzz']);
    }
  });

  it('rejects a parameter given twice, and accepts the known ones', () => {
    expect(() => query('page=1&page=2')).toThrow(/page/);
    expect(query('status=revoked&page=2')).toEqual({ status: 'revoked', page: 2 });
    expect(() => parseQuery(new Request('http://x/crm/webhooks?a=1'), noQuerySchema)).toThrow(/a/);
  });
});
