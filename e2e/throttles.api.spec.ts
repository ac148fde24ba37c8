import { expect, test, type APIRequestContext } from '@playwright/test';
import { generateKey } from '../lib/keys/format';
import { DEMO, E2E_PASSWORD } from './config';
import { createKey, demoWorld } from './helpers/api';

/**
 * Guessing is throttled per client address (the e2e server trusts the test runner as its proxy, so
 * each test names its own client with X-Forwarded-For and counts apart from every other spec).
 */
let next = Math.floor(Math.random() * 200) + 1;
function freshAddress(): string {
  next += 1;
  return `198.18.${Math.floor(Math.random() * 250) + 1}.${(next % 250) + 1}`;
}

async function signIn(request: APIRequestContext, email: string, password: string, address: string) {
  const from = { 'x-forwarded-for': address };
  const csrf = await request.get('/api/auth/csrf', { headers: from });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  return request.post('/api/auth/callback/credentials', {
    form: { csrfToken, email, password, json: 'true' },
    headers: from,
  });
}

const failed = (url: string) => new URL(url).searchParams.get('error');

test.describe('failed key checks per client address', () => {
  test('past 100 failures a minute: 429 too_many_failed_attempts with Retry-After; valid keys still work', async ({
    request,
    baseURL,
  }) => {
    const world = await demoWorld(baseURL);
    const valid = await createKey(world.admin, { permissions: ['customers:read'], tenants: [world.acmeId] });
    const from = { 'x-forwarded-for': freshAddress() };
    const bad = (i: number) =>
      i % 3 === 0 ? 'sk_live_nope' : i % 3 === 1 ? generateKey('integration') : `sk_live_${'A'.repeat(40)}`;
    for (let i = 0; i < 100; i++) {
      const res = await request.get('/crm/me', { headers: { ...from, 'X-API-KEY': bad(i) } });
      expect(res.status(), `failure ${i + 1}`).toBe(401);
    }
    const refused = await request.get('/crm/me', {
      headers: { ...from, 'X-API-KEY': generateKey('integration') },
    });
    expect(refused.status()).toBe(429);
    expect((await refused.json()).error.code).toBe('too_many_failed_attempts');
    expect(Number(refused.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers()['retry-after'])).toBeLessThanOrEqual(60);
    // Malformed keys on the key-management routes count too (the proxy lets them through to be counted).
    const managed = await request.get('/crm/api-keys', { headers: { ...from, 'X-API-KEY': 'garbage' } });
    expect(managed.status()).toBe(429);
    // The valid key from the same address keeps working.
    const ok = await request.get('/crm/customers', { headers: { ...from, 'X-API-KEY': valid.secret } });
    expect(ok.status()).toBe(200);
    // Another address is not affected.
    const other = await request.get('/crm/me', {
      headers: { 'x-forwarded-for': freshAddress(), 'X-API-KEY': generateKey('integration') },
    });
    expect(other.status()).toBe(401);
  });
});

test.describe('sign-in guessing', () => {
  test('10 failures for one account from one address: the pair waits (429, Retry-After); elsewhere the owner signs in', async ({
    request,
  }) => {
    const address = freshAddress();
    for (let i = 0; i < 10; i++) {
      const res = await signIn(request, DEMO.user, 'wrong-password', address);
      expect(res.status(), `failure ${i + 1}`).toBe(401);
      expect(failed((await res.json()).url)).toBe('CredentialsSignin');
    }
    // Even the right password is refused from this address now, without a password check.
    const refused = await signIn(request, DEMO.user, E2E_PASSWORD, address);
    expect(refused.status()).toBe(429);
    const retryAfter = Number(refused.headers()['retry-after']);
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(failed((await refused.json()).url)).toMatch(/^TooManyAttempts:\d+$/);
    // No lockout usable from elsewhere: the owner, from another address, signs in.
    const owner = await signIn(request, DEMO.user, E2E_PASSWORD, freshAddress());
    expect(owner.status()).toBe(200);
    expect(failed((await owner.json()).url)).toBeNull();
    // Another account from the attacker's address is not locked by this pair.
    const other = await signIn(request, DEMO.globexAdmin, 'wrong-password', address);
    expect(failed((await other.json()).url)).toBe('CredentialsSignin');
  });

  test("a successful sign-in resets its account's counter", async ({ request }) => {
    const address = freshAddress();
    for (let i = 0; i < 9; i++) await signIn(request, DEMO.user, 'wrong-password', address);
    const ok = await signIn(request, DEMO.user, E2E_PASSWORD, address);
    expect(failed((await ok.json()).url)).toBeNull();
    for (let i = 0; i < 9; i++) {
      const res = await signIn(request, DEMO.user, 'wrong-password', address);
      expect(res.status(), `failure ${i + 1} after the reset`).toBe(401);
    }
  });
});
