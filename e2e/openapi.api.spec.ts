import { expect, test } from '@playwright/test';
import { createKey, keyHeader, signInOverHttp } from './helpers/api';

type Operation = {
  security: unknown[];
  'x-permission': string | null;
  'x-codeSamples': { source: string }[];
};
type Document = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
};

test('GET /crm/openapi.json needs no key and names this server', async ({ request, baseURL }) => {
  const res = await request.get('/crm/openapi.json');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/json');
  const doc = (await res.json()) as Document;
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.servers[0].url).toBe(new URL(baseURL!).origin);
  // The samples call this server too.
  expect(doc.paths['/crm/me'].get['x-codeSamples'][0].source).toContain(`${new URL(baseURL!).origin}/crm/me`);
});

test('the documented permissions are the ones the server enforces', async ({ request, baseURL }) => {
  const doc = (await (await request.get('/crm/openapi.json')).json()) as Document;
  const read = doc.paths['/crm/customers'].get['x-permission'];
  const write = doc.paths['/crm/customers'].post['x-permission'];
  expect([read, write]).toEqual(['customers:read', 'customers:write']);
  expect(doc.paths['/crm/health'].get.security).toEqual([]);

  const superadmin = await signInOverHttp(baseURL!, 'superadmin');
  const me = await createKey(superadmin, { permissions: [read!], tenants: 'all' });
  const tenant = (await (await request.get('/crm/me', { headers: keyHeader(me.secret) })).json())
    .organisation_id;
  // A key with just the documented read permission may list, and is refused the write, naming it.
  const list = await request.get('/crm/customers', { headers: keyHeader(me.secret, tenant) });
  expect(list.status()).toBe(200);
  const create = await request.post('/crm/customers', {
    headers: keyHeader(me.secret, tenant),
    data: { name: 'Documented permissions Ltd' },
  });
  expect(create.status()).toBe(403);
  const body = await create.json();
  expect(body.error.code).toBe('permission_denied');
  expect(body.error.message).toContain(write);
  await superadmin.dispose();
});
