import { readFileSync } from 'node:fs';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { scannerPrivateKeyPath } from './config';
import { createKey, demoWorld, keyHeader } from './helpers/api';

/** Rotation with an overlap, IP allowlists and leaked-key reports, over HTTP against the built app. */

type ErrorBody = { error: { code: string; fields?: Record<string, string[]> } };

test('both secrets work during a 4-second overlap and the old one fails right after', async ({
  baseURL,
  request,
}) => {
  const w = await demoWorld(baseURL);
  const { id, secret: old } = await createKey(w.admin, {
    permissions: ['customers:read'],
    tenants: [w.acmeId],
  });
  const res = await w.admin.post(`/crm/api-keys/${id}/regenerate`, { data: { grace_period_seconds: 4 } });
  expect(res.status(), await res.text()).toBe(201);
  const body = (await res.json()) as {
    api_key: string;
    previous_key_expires_at: string;
    previous_masked_key: string;
  };
  const endsAt = Date.parse(body.previous_key_expires_at);
  expect(endsAt - Date.now()).toBeGreaterThan(2000);
  expect(endsAt - Date.now()).toBeLessThanOrEqual(4000);
  expect(body.previous_masked_key).toBe(`sk_live_…${old.slice(-4)}`);

  const me = (secret: string) => request.get('/crm/me', { headers: keyHeader(secret) });
  expect((await me(old)).status()).toBe(200);
  expect((await me(body.api_key)).status()).toBe(200);
  const rotation = await (await w.admin.get(`/crm/api-keys/${id}/rotation`)).json();
  expect(rotation).toMatchObject({ rotating: true, previous_key_expires_at: body.previous_key_expires_at });

  await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now() + 20)));
  const refused = await me(old);
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as ErrorBody).error.code).toBe('key_invalid');
  expect((await me(body.api_key)).status()).toBe(200);
  const after = await (await w.admin.get(`/crm/api-keys/${id}`)).json();
  expect(after).toMatchObject({ previous_key_expires_at: null, previous_masked_key: null });
});

test('an overlap longer than 7 days or the key’s own life is refused, naming the field', async ({
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const expiry = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  const { id } = await createKey(w.admin, {
    permissions: ['customers:read'],
    tenants: [w.acmeId],
    expiry_date: expiry,
  });
  for (const grace of [604_801, 6 * 86400]) {
    const res = await w.admin.post(`/crm/api-keys/${id}/regenerate`, {
      data: { grace_period_seconds: grace },
    });
    expect(res.status()).toBe(422);
    expect(((await res.json()) as ErrorBody).error.fields).toHaveProperty('grace_period_seconds');
  }
});

test('an allowlisted key is refused from elsewhere (X-Forwarded-For ignored) and accepted from its address', async ({
  baseURL,
  request,
}) => {
  const w = await demoWorld(baseURL);
  const elsewhere = await createKey(w.admin, {
    permissions: ['customers:read'],
    tenants: [w.acmeId],
    allowed_ips: ['203.0.113.7'],
  });
  expect(elsewhere.body.allowed_ips).toEqual(['203.0.113.7']);
  // The test servers trust localhost as a proxy (TRUSTED_PROXIES=127.0.0.1,::1, as behind a load
  // balancer): the forwarded address is the client's. Without it, the client is the peer itself.
  for (const headers of [{}, { 'X-Forwarded-For': '198.51.100.9' }] as Record<string, string>[]) {
    const res = await request.get('/crm/me', { headers: { ...keyHeader(elsewhere.secret), ...headers } });
    expect(res.status()).toBe(403);
    expect(((await res.json()) as ErrorBody).error.code).toBe('ip_not_allowed');
  }
  const fromItsAddress = await request.get('/crm/me', {
    headers: { ...keyHeader(elsewhere.secret), 'X-Forwarded-For': '203.0.113.7' },
  });
  expect(fromItsAddress.status()).toBe(200);
  const here = await createKey(w.admin, {
    permissions: ['customers:read'],
    tenants: [w.acmeId],
    allowed_ips: ['127.0.0.0/8', '::1'],
  });
  expect((await request.get('/crm/me', { headers: keyHeader(here.secret) })).status()).toBe(200);

  // The refusals are counted as denied in the key's usage.
  await expect
    .poll(async () => {
      const usage = (await (await w.admin.get(`/crm/api-keys/${elsewhere.id}/usage`)).json()) as {
        totals: { denied: number };
      };
      return usage.totals.denied;
    })
    .toBe(2);

  const allowAll = await w.admin.post('/crm/api-keys', {
    data: {
      name: `allow all ${Date.now()}`,
      permissions: ['customers:read'],
      tenants: [w.acmeId],
      allowed_ips: ['0.0.0.0/0'],
    },
  });
  expect(allowAll.status()).toBe(422);
  const fields = ((await allowAll.json()) as ErrorBody).error.fields!;
  expect(fields['allowed_ips.0'][0]).toMatch(/empty means anywhere/);
});

function scannerKey(baseURL: string): KeyObject {
  return createPrivateKey(readFileSync(scannerPrivateKeyPath(new URL(baseURL).port), 'utf8'));
}

test('a forged report changes nothing; a signed one revokes our key and labels the other token a false positive', async ({
  baseURL,
  request,
}) => {
  const w = await demoWorld(baseURL);
  const { id, secret } = await createKey(w.admin, { permissions: ['customers:read'], tenants: [w.acmeId] });
  const notOurs = 'sk_live_' + 'A'.repeat(38);
  const raw = JSON.stringify([
    { token: secret, type: 'crm_api_key', url: 'https://example.com/o/r/blob/main/.env', source: 'content' },
    { token: notOurs, type: 'crm_api_key', url: 'https://example.com/x', source: 'content' },
  ]);
  const post = (signature: string | null, identifier = 'e2e-scanner') =>
    request.post('/crm/secret-scanning/reports', {
      data: raw,
      headers: {
        'content-type': 'application/json',
        'Github-Public-Key-Identifier': identifier,
        ...(signature ? { 'Github-Public-Key-Signature': signature } : {}),
      },
    });

  const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  for (const forged of [
    await post(sign('sha256', Buffer.from(raw), forger).toString('base64')),
    await post(null),
    await post(sign('sha256', Buffer.from(raw), scannerKey(baseURL!)).toString('base64'), 'unknown-key'),
  ]) {
    expect(forged.status()).toBe(401);
    expect(((await forged.json()) as ErrorBody).error.code).toBe('signature_invalid');
  }
  expect((await request.get('/crm/me', { headers: keyHeader(secret) })).status()).toBe(200);

  const signed = await post(sign('sha256', Buffer.from(raw), scannerKey(baseURL!)).toString('base64'));
  expect(signed.status(), await signed.text()).toBe(200);
  expect(await signed.json()).toEqual([
    { token_raw: secret, token_type: 'crm_api_key', label: 'true_positive' },
    { token_raw: notOurs, token_type: 'crm_api_key', label: 'false_positive' },
  ]);
  const refused = await request.get('/crm/me', { headers: keyHeader(secret) });
  expect(((await refused.json()) as ErrorBody).error.code).toBe('key_revoked');
  const key = await (await w.admin.get(`/crm/api-keys/${id}`)).json();
  expect(key).toMatchObject({ status: 'revoked', leaked: { url: 'https://example.com/o/r/blob/main/.env' } });
});
