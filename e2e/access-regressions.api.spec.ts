import { expect, request as playwrightRequest, test } from '@playwright/test';
import { demoWorld, uniqueName } from './helpers/api';

/** Regression tests of issue 11 that live at the HTTP edge: cookie writes from elsewhere, sign-in redirects. */

test('cookie-authenticated writes to /crm/api-keys need this site as Origin; reads do not', async ({
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  // The admin's cookies in a context that sends no Origin of its own.
  const bare = await playwrightRequest.newContext({ baseURL, storageState: await w.admin.storageState() });
  const origin = new URL(baseURL!).origin;
  const body = () => ({ name: uniqueName('csrf'), permissions: ['customers:read'], tenants: [w.acmeId] });
  const before = (await (await w.superadmin.get('/crm/api-keys?limit=1')).json()).total as number;

  const attempts: Record<string, string>[] = [
    {},
    { Origin: 'https://evil.example' },
    { Origin: 'null' },
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'same-site', Origin: origin },
    { 'Sec-Fetch-Site': 'cross-site', Origin: origin },
  ];
  for (const headers of attempts) {
    const res = await bare.post('/crm/api-keys', { data: body(), headers });
    expect(res.status(), JSON.stringify(headers)).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden');
  }
  const someKey = (await (await w.admin.get('/crm/api-keys?limit=1')).json()).data[0].api_key_id as string;
  for (const res of [
    await bare.post(`/crm/api-keys/${someKey}/disable`),
    await bare.patch(`/crm/api-keys/${someKey}`, { data: { description: 'x' } }),
    await bare.delete(`/crm/api-keys/${someKey}`),
  ]) {
    expect(res.status()).toBe(403);
  }
  expect((await (await w.superadmin.get('/crm/api-keys?limit=1')).json()).total).toBe(before);

  // Reads are exempt; this site's Origin, or Sec-Fetch-Site: same-origin, may write.
  expect((await bare.get('/crm/api-keys?limit=1')).status()).toBe(200);
  expect((await bare.post('/crm/api-keys', { data: body(), headers: { Origin: origin } })).status()).toBe(
    201,
  );
  const sameOrigin = await bare.post('/crm/api-keys', {
    data: body(),
    headers: { 'Sec-Fetch-Site': 'same-origin' },
  });
  expect(sameOrigin.status()).toBe(201);
  await bare.dispose();
});

/** Where the sign-in form will send the browser: the LoginForm's `next` prop in the page's flight data. */
function nextOf(html: string): string | undefined {
  return /\\"next\\":\\"(.*?)\\"/.exec(html)?.[1];
}

test('after sign-in only same-origin paths are followed; a repeated callbackUrl is not a 500', async ({
  request,
}) => {
  for (const callbackUrl of [
    '/%5Cevil.example/x',
    '/%09/evil.example',
    '//evil.example/x',
    'https://evil.example/',
  ]) {
    const res = await request.get(`/login?callbackUrl=${callbackUrl}`);
    expect(res.status(), callbackUrl).toBe(200);
    expect(nextOf(await res.text()), callbackUrl).toBe('/');
  }
  const repeated = await request.get('/login?callbackUrl=/a&callbackUrl=/b');
  expect(repeated.status()).toBe(200);
  expect(nextOf(await repeated.text())).toBe('/');
  const kept = await request.get('/login?callbackUrl=%2Fadmin%2Fapi-keys%3Fstatus%3Drevoked');
  expect(nextOf(await kept.text())).toBe('/admin/api-keys?status=revoked');
});
