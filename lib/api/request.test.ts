import { afterEach, describe, expect, it } from 'vitest';
import { requestOrigin } from './request';

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
