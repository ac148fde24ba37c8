import { expect, test } from '@playwright/test';
import { generateKey } from '../lib/keys/format';

test('GET /crm/health needs no key and reports the database', async ({ request }) => {
  const res = await request.get('/crm/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', database: 'up' });
});

test('a request without a key gets 401 key_missing in the one error format', async ({ request }) => {
  const res = await request.get('/crm/me');
  expect(res.status()).toBe(401);
  expect(res.headers()['www-authenticate']).toContain('Bearer');
  const body = await res.json();
  expect(body.error).toMatchObject({ code: 'key_missing' });
  expect(body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
});

test('malformed keys are refused with key_malformed', async ({ request }) => {
  for (const key of ['nope', 'sk_live_' + 'A'.repeat(38), 'sk_live_' + 'x'.repeat(10_000)]) {
    const res = await request.get('/crm/me', { headers: { 'X-API-KEY': key } });
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe('key_malformed');
  }
});

test('two different keys in X-API-KEY and Authorization are a 400', async ({ request }) => {
  const res = await request.get('/crm/me', { headers: { 'X-API-KEY': 'a', Authorization: 'Bearer b' } });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.code).toBe('conflicting_credentials');
});

test('a well-formed key that does not exist is key_invalid', async ({ request }) => {
  const res = await request.get('/crm/me', {
    headers: { Authorization: `Bearer ${generateKey('integration')}` },
  });
  expect(res.status()).toBe(401);
  expect(res.headers()['www-authenticate']).toContain('Bearer');
  expect((await res.json()).error.code).toBe('key_invalid');
});

test('Authorization without the Bearer scheme is key_malformed', async ({ request }) => {
  const res = await request.get('/crm/me', {
    headers: { Authorization: `Basic ${generateKey('integration')}` },
  });
  expect(res.status()).toBe(401);
  expect((await res.json()).error.code).toBe('key_malformed');
});
