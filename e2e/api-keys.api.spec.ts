import { expect, test } from '@playwright/test';
import { createKey, demoWorld, keyHeader, signInOverHttp, uniqueName } from './helpers/api';

test('a script runs the whole key lifecycle with an admin key, and every change applies on the next request', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  // The one step that needs a session: an admin key for the script.
  const admin = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  const as = keyHeader(admin.secret);

  // Create: 201, the secret once, and no hash anywhere.
  const name = uniqueName('Lifecycle');
  const created = await request.post('/crm/api-keys', {
    headers: as,
    data: { name, description: 'made by a script', permissions: ['customers:read'], tenants: [w.acmeId] },
  });
  expect(created.status()).toBe(201);
  const key = await created.json();
  expect(key).toMatchObject({
    name,
    status: 'active',
    permissions: ['customers:read'],
    tenants: [{ id: w.acmeId }],
    created_by_key_id: admin.id,
  });
  expect(key.api_key).toMatch(/^sk_live_/);
  expect(key.masked_key).toBe(`sk_live_…${key.api_key.slice(-4)}`);
  expect(JSON.stringify(key)).not.toMatch(/hash/i);
  const id = key.api_key_id as string;
  let secret = key.api_key as string;
  const use = () => request.get('/crm/customers', { headers: keyHeader(secret) });
  expect((await use()).status()).toBe(200);

  // List and get: masked only.
  const list = await request.get(`/crm/api-keys?q=${encodeURIComponent(name)}&limit=5`, { headers: as });
  expect(list.status()).toBe(200);
  const listed = await list.json();
  expect(listed).toMatchObject({ total: 1, page: 1, limit: 5 });
  expect(listed.data[0]).toMatchObject({ api_key_id: id, masked_key: key.masked_key });
  expect(JSON.stringify(listed)).not.toContain(secret);
  const got = await request.get(`/crm/api-keys/${id}`, { headers: as });
  expect(got.status()).toBe(200);
  expect(await got.json()).not.toHaveProperty('api_key');

  // Patch: read becomes write-only, and the next request sees it.
  const patched = await request.patch(`/crm/api-keys/${id}`, {
    headers: as,
    data: { description: 'changed', permissions: ['customers:write'] },
  });
  expect(patched.status()).toBe(200);
  expect(await patched.json()).toMatchObject({ description: 'changed', permissions: ['customers:write'] });
  expect((await (await use()).json()).error.code).toBe('permission_denied');
  await request.patch(`/crm/api-keys/${id}`, { headers: as, data: { permissions: ['customers:read'] } });

  // Regenerate: the old secret is refused on the very next request, the new one works.
  const regenerated = await request.post(`/crm/api-keys/${id}/regenerate`, { headers: as });
  expect(regenerated.status()).toBe(201);
  const fresh = await regenerated.json();
  expect(fresh.api_key_id).toBe(id);
  expect(fresh.api_key).not.toBe(secret);
  const old = await use();
  expect(old.status()).toBe(401);
  expect((await old.json()).error.code).toBe('key_invalid');
  secret = fresh.api_key;
  expect((await use()).status()).toBe(200);

  // Disable, enable.
  const disabled = await request.post(`/crm/api-keys/${id}/disable`, { headers: as });
  expect(await disabled.json()).toMatchObject({ status: 'disabled' });
  const refused = await use();
  expect(refused.status()).toBe(401);
  expect(refused.headers()['www-authenticate']).toContain('Bearer');
  expect((await refused.json()).error.code).toBe('key_disabled');
  const enabled = await request.post(`/crm/api-keys/${id}/enable`, { headers: as });
  expect(await enabled.json()).toMatchObject({ status: 'active' });
  expect((await use()).status()).toBe(200);

  // Revoke: refused at once, and for good.
  const revoked = await request.post(`/crm/api-keys/${id}/revoke`, { headers: as });
  expect(await revoked.json()).toMatchObject({ status: 'revoked' });
  expect((await (await use()).json()).error.code).toBe('key_revoked');
  const reEnable = await request.post(`/crm/api-keys/${id}/enable`, { headers: as });
  expect(reEnable.status()).toBe(409);
  expect((await reEnable.json()).error.code).toBe('key_revoked_final');

  // Delete: 204, then gone.
  const deleted = await request.delete(`/crm/api-keys/${id}`, { headers: as });
  expect(deleted.status()).toBe(204);
  expect((await request.get(`/crm/api-keys/${id}`, { headers: as })).status()).toBe(404);
  expect((await (await use()).json()).error.code).toBe('key_invalid');
});

test('a key with an expiry a few seconds ahead is refused with key_expired once it passes', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const expiry = new Date(Date.now() + 3000).toISOString();
  const key = await createKey(w.admin, {
    permissions: ['customers:read'],
    tenants: [w.acmeId],
    expiry_date: expiry,
  });
  expect(key.body.expiry_date).toBe(expiry);
  await expect
    .poll(
      async () => {
        const res = await request.get('/crm/me', { headers: keyHeader(key.secret) });
        return res.status() === 401 ? (await res.json()).error.code : res.status();
      },
      { timeout: 15_000, intervals: [250] },
    )
    .toBe('key_expired');
});

test('GET /crm/me returns the calling key, whatever its permissions', async ({ request, baseURL }) => {
  const w = await demoWorld(baseURL);
  const key = await createKey(w.admin, { permissions: ['analytics:read'], tenants: [w.acmeId] });
  const res = await request.get('/crm/me', { headers: { Authorization: `Bearer ${key.secret}` } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({
    id: key.id,
    visible_id: key.body.masked_key,
    name: key.body.name,
    kind: 'integration',
    organisation_id: w.acmeId,
    permissions: ['analytics:read'],
    tenants: [w.acmeId],
    expiry_date: null,
  });
  // Both headers with the same key are fine.
  const both = await request.get('/crm/me', {
    headers: { 'X-API-KEY': key.secret, Authorization: `Bearer ${key.secret}` },
  });
  expect(both.status()).toBe(200);
});

test('an Idempotency-Key makes a retried create return the same key, not a second one', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const admin = await createKey(w.admin, {
    permissions: ['api_keys:read', 'api_keys:write', 'customers:read'],
    tenants: [w.acmeId],
  });
  const name = uniqueName('Idempotent');
  const body = { name, permissions: ['customers:read'], tenants: [w.acmeId] };
  const headers = { ...keyHeader(admin.secret), 'Idempotency-Key': `create-${name}` };
  const first = await request.post('/crm/api-keys', { headers, data: body });
  expect(first.status()).toBe(201);
  const second = await request.post('/crm/api-keys', { headers, data: body });
  expect(second.status()).toBe(201);
  expect(second.headers()['idempotent-replayed']).toBe('true');
  expect(await second.json()).toEqual(await first.json());

  const list = await request.get(`/crm/api-keys?q=${encodeURIComponent(name)}`, {
    headers: keyHeader(admin.secret),
  });
  expect((await list.json()).total).toBe(1);

  const other = await request.post('/crm/api-keys', { headers, data: { ...body, name: `${name} 2` } });
  expect(other.status()).toBe(409);
  expect((await other.json()).error.code).toBe('idempotency_conflict');

  // A failed request does not hold the key: fixing the body and retrying works.
  const retryHeaders = { ...keyHeader(admin.secret), 'Idempotency-Key': `fix-${name}` };
  const bad = await request.post('/crm/api-keys', { headers: retryHeaders, data: { ...body, name: '' } });
  expect(bad.status()).toBe(422);
  const fixed = await request.post('/crm/api-keys', {
    headers: retryHeaders,
    data: { ...body, name: `${name} 3` },
  });
  expect(fixed.status()).toBe(201);
});

test('validation names every bad field (422) and bad JSON is a 400; nothing is created', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const admin = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  const res = await request.post('/crm/api-keys', {
    headers: keyHeader(admin.secret),
    data: {
      name: '',
      permissions: ['customers:read', 'nope'],
      tenants: 'some',
      expiry_date: '2000-01-01',
      extra: 1,
    },
  });
  expect(res.status()).toBe(422);
  const { error } = await res.json();
  expect(error.code).toBe('validation_failed');
  expect(Object.keys(error.fields).sort()).toEqual(['_', 'expiry_date', 'name', 'permissions', 'tenants']);
  expect(error.fields._.join(' ')).toContain('extra');

  const invalid = await request.post('/crm/api-keys', {
    headers: { ...keyHeader(admin.secret), 'Content-Type': 'application/json' },
    data: Buffer.from('{"name": "broken",'),
  });
  expect(invalid.status()).toBe(400);
  expect((await invalid.json()).error.code).toBe('invalid_json');

  const patch = await request.patch(`/crm/api-keys/${admin.id}`, {
    headers: keyHeader(admin.secret),
    data: { permissions: [], tenants: [] },
  });
  expect(patch.status()).toBe(422);
  expect(Object.keys((await patch.json()).error.fields).sort()).toEqual(['permissions', 'tenants']);
});

test('a key cannot grant more than it holds, nor reach another organisation', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const scoped = await createKey(w.admin, {
    permissions: ['api_keys:read', 'api_keys:write', 'customers:read'],
    tenants: [w.acmeId],
  });
  const as = keyHeader(scoped.secret);
  for (const permissions of [['admin'], ['customers:write'], ['api_keys:write', 'leads:read']]) {
    const res = await request.post('/crm/api-keys', {
      headers: as,
      data: { name: uniqueName('Escalation'), permissions, tenants: [w.acmeId] },
    });
    expect(res.status(), JSON.stringify(permissions)).toBe(403);
    expect((await res.json()).error).toMatchObject({
      code: 'forbidden',
      fields: { permissions: expect.any(Array) },
    });
  }
  const otherTenant = await request.post('/crm/api-keys', {
    headers: as,
    data: { name: uniqueName('Escalation'), permissions: ['customers:read'], tenants: [w.globexId] },
  });
  expect(otherTenant.status()).toBe(403);
  const allTenants = await request.post('/crm/api-keys', {
    headers: as,
    data: { name: uniqueName('Escalation'), permissions: ['customers:read'], tenants: 'all' },
  });
  expect(allTenants.status()).toBe(403);
  // Within its own rights it may create.
  await createKey(request, { permissions: ['customers:read'], tenants: [w.acmeId] }, as);

  // Nor may it change a key that holds more than it does: out of its reach, so "not found".
  const admin = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  const hijack = await request.post(`/crm/api-keys/${admin.id}/revoke`, { headers: as });
  expect(hijack.status()).toBe(404);

  // Another organisation's keys do not exist for it, even for an Acme admin key.
  const globexKey = await createKey(w.globexAdmin, {
    permissions: ['customers:read'],
    tenants: [w.globexId],
  });
  for (const res of [
    await request.get(`/crm/api-keys/${globexKey.id}`, { headers: keyHeader(admin.secret) }),
    await request.post(`/crm/api-keys/${globexKey.id}/revoke`, { headers: keyHeader(admin.secret) }),
    await request.delete(`/crm/api-keys/${globexKey.id}`, { headers: keyHeader(admin.secret) }),
  ]) {
    expect(res.status()).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  }
  expect((await request.get('/crm/me', { headers: keyHeader(globexKey.secret) })).status()).toBe(200);
});

test('key management needs api_keys permissions; read never implies write and write never read', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const reader = await createKey(w.admin, { permissions: ['api_keys:read'], tenants: [w.acmeId] });
  const writer = await createKey(w.admin, {
    permissions: ['api_keys:write', 'customers:read'],
    tenants: [w.acmeId],
  });
  const none = await createKey(w.admin, { permissions: ['customers:read'], tenants: [w.acmeId] });

  expect((await request.get('/crm/api-keys', { headers: keyHeader(reader.secret) })).status()).toBe(200);
  const readerWrites = await request.post('/crm/api-keys', {
    headers: keyHeader(reader.secret),
    data: { name: uniqueName('x'), permissions: ['api_keys:read'], tenants: [w.acmeId] },
  });
  expect(readerWrites.status()).toBe(403);
  expect((await readerWrites.json()).error.code).toBe('permission_denied');

  const writerReads = await request.get('/crm/api-keys', { headers: keyHeader(writer.secret) });
  expect(writerReads.status()).toBe(403);
  expect((await writerReads.json()).error.code).toBe('permission_denied');
  await createKey(
    request,
    { permissions: ['customers:read'], tenants: [w.acmeId] },
    keyHeader(writer.secret),
  );

  const noneReads = await request.get('/crm/api-keys', { headers: keyHeader(none.secret) });
  expect(noneReads.status()).toBe(403);
  expect((await noneReads.json()).error.code).toBe('permission_denied');
});

test('a session cookie works for an admin, not for a user; no cookie and no key is a 401', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const list = await w.admin.get('/crm/api-keys');
  expect(list.status()).toBe(200);
  expect(
    (await list.json()).data.every((k: { organisation_id: string }) => k.organisation_id === w.acmeId),
  ).toBe(true);
  // The superadmin may create keys for several tenants, or all of them.
  const multi = await createKey(w.superadmin, {
    permissions: ['customers:read'],
    tenants: [w.acmeId, w.globexId],
  });
  expect(multi.body.tenants).toHaveLength(2);
  const all = await createKey(w.superadmin, { permissions: ['customers:read'], tenants: 'all' });
  expect(all.body.tenants).toBe('all');
  // An admin may not.
  const adminAll = await w.admin.post('/crm/api-keys', {
    data: { name: uniqueName('all'), permissions: ['customers:read'], tenants: 'all' },
  });
  expect(adminAll.status()).toBe(403);

  const user = await signInOverHttp(baseURL!, 'user');
  for (const res of [
    await user.get('/crm/api-keys'),
    await user.post('/crm/api-keys', {
      data: { name: uniqueName('user'), permissions: ['customers:read'], tenants: [w.acmeId] },
    }),
  ]) {
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden');
  }
  await user.dispose();

  const anonymous = await request.get('/crm/api-keys');
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()['www-authenticate']).toContain('Bearer');
  expect((await anonymous.json()).error.code).toBe('unauthenticated');
  // A session does not open the CRM resources: those need a key.
  const resource = await w.admin.get('/crm/customers');
  expect(resource.status()).toBe(401);
  expect((await resource.json()).error.code).toBe('key_missing');
});

test('a protected key refuses delete (409, saying how to unprotect) until it is unprotected', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const admin = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  const as = keyHeader(admin.secret);
  const key = await createKey(w.admin, { permissions: ['customers:read'], tenants: [w.acmeId] });
  const url = `/crm/api-keys/${key.id}`;

  const protect = await request.patch(url, { headers: as, data: { protected: true } });
  expect(protect.status()).toBe(200);
  expect(await protect.json()).toMatchObject({ protected: true, status: 'active' });
  const refused = await request.delete(url, { headers: as });
  expect(refused.status()).toBe(409);
  const { error } = await refused.json();
  expect(error.code).toBe('key_protected');
  expect(error.message).toContain(`PATCH /crm/api-keys/${key.id} {"protected": false}`);
  expect(error.message).toContain('Edit → Protected');
  // Disable still works on a protected key (and the key is still there).
  expect((await request.post(`${url}/disable`, { headers: as })).status()).toBe(200);

  const unprotect = await request.patch(url, { headers: as, data: { protected: false } });
  expect(await unprotect.json()).toMatchObject({ protected: false });
  expect((await request.delete(url, { headers: as })).status()).toBe(204);
  expect((await request.get(url, { headers: as })).status()).toBe(404);
  const bad = await request.patch(`/crm/api-keys/${admin.id}`, { headers: as, data: { protected: 'yes' } });
  expect(bad.status()).toBe(422);
  expect(Object.keys((await bad.json()).error.fields)).toEqual(['protected']);
});

test('the published request format creates a key for the caller’s organisation, with canonical names', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const nextYear = new Date().getUTCFullYear() + 1;
  const published = {
    name: uniqueName('Published example'),
    description: 'Reads customers and services',
    expiry_date: `${nextYear}-01-10`,
    permissions: ['view_customer', 'view_service'],
  };
  // An organisation admin's session, and a one-tenant admin key: no tenants named.
  const oneTenant = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  for (const [client, headers] of [
    [w.admin, {}],
    [request, keyHeader(oneTenant.secret)],
  ] as const) {
    const res = await client.post('/crm/api-keys', {
      headers,
      data: { ...published, name: uniqueName('Published example') },
    });
    expect(res.status(), await res.text()).toBe(201);
    const key = await res.json();
    expect(key).toMatchObject({
      organisation_id: w.acmeId,
      permissions: ['customers:read', 'services:read'],
      tenants: [{ id: w.acmeId }],
      expiry_date: `${nextYear}-01-11T00:00:00.000Z`,
    });
    const listed = await (await w.admin.get(`/crm/api-keys/${key.api_key_id}`)).json();
    expect(listed.permissions).toEqual(['customers:read', 'services:read']);
    // And it works: it reads the caller's customers.
    expect((await request.get('/crm/customers', { headers: keyHeader(key.api_key) })).status()).toBe(200);
  }
  // A key that reaches several tenants must name them.
  const multi = await createKey(w.superadmin, { permissions: ['admin'], tenants: [w.acmeId, w.globexId] });
  const unnamed = await request.post('/crm/api-keys', { headers: keyHeader(multi.secret), data: published });
  expect(unnamed.status()).toBe(422);
  const { error } = await unnamed.json();
  expect(Object.keys(error.fields)).toEqual(['tenants']);
  expect(error.fields.tenants[0]).toContain('several organisations');
  // A date already past is refused, as always.
  const past = await request.post('/crm/api-keys', {
    headers: keyHeader(oneTenant.secret),
    data: { ...published, name: uniqueName('Past'), expiry_date: '2020-01-10' },
  });
  expect(past.status()).toBe(422);
  expect(Object.keys((await past.json()).error.fields)).toEqual(['expiry_date']);
});
