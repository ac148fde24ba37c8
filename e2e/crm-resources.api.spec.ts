import { expect, test, type APIRequestContext } from '@playwright/test';
import { createKey, demoWorld, keyHeader } from './helpers/api';

/** One valid create body and one valid change per resource. */
const SAMPLES = {
  customers: {
    create: { name: 'Initech', email: 'it@initech.example', status: 'prospect' },
    change: { status: 'active' },
  },
  contacts: {
    create: { first_name: 'Peter', last_name: 'Gibbons', title: 'Engineer' },
    change: { title: 'Manager' },
  },
  leads: {
    create: { name: 'Bill Lumbergh', company: 'Initrode', value_cents: 99_900 },
    change: { status: 'won' },
  },
  calls: {
    create: { direction: 'inbound', phone: '+1 555 0100', duration_seconds: 42 },
    change: { outcome: 'missed' },
  },
  services: {
    create: { name: 'Fibre 500', plan: 'biz-500', monthly_price_cents: 4_500 },
    change: { status: 'active' },
  },
  inventory: { create: { sku: `SKU-${Date.now()}`, name: 'Router', quantity: 3 }, change: { quantity: 2 } },
  // The service is filled in from the tenant's own services (SERVICE below).
  provisioning: { create: { service_id: 'SERVICE', action: 'activate' }, change: { state: 'in_progress' } },
  agents: {
    create: { name: 'Mary Jackson', email: 'mary@acme.example', team: 'Support' },
    change: { status: 'away' },
  },
  'knowledge-base': {
    create: { title: 'Resetting a SIM', body: 'Steps…', tags: ['sim'] },
    change: { published: true },
  },
  integrations: {
    create: { name: 'Ticketing', kind: 'ticketing', settings: { region: 'eu' } },
    change: { enabled: false },
  },
} as const;
type ResourceName = keyof typeof SAMPLES;
const RESOURCES = Object.keys(SAMPLES) as ResourceName[];
/** The URL path segment is the catalogue resource with "-" for "_" (knowledge-base → knowledge_base). */
const readWrite = RESOURCES.map((r) => r.replace(/-/g, '_')).flatMap((r) => [`${r}:read`, `${r}:write`]);

/** A sample create body with its SERVICE placeholder pointed at one of the tenant's services. */
async function createBody(
  request: APIRequestContext,
  resource: ResourceName,
  headers: Record<string, string>,
) {
  const body: Record<string, unknown> = { ...SAMPLES[resource].create };
  if (body.service_id === 'SERVICE') {
    body.service_id = (await (await request.get('/crm/services?limit=1', { headers })).json()).data[0].id;
  }
  return body;
}

async function errorCode(res: Awaited<ReturnType<APIRequestContext['get']>>) {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

test('every resource supports list, create, get, update and delete within a tenant', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const key = await createKey(w.admin, { permissions: readWrite, tenants: [w.acmeId] });
  const h = keyHeader(key.secret);
  for (const resource of RESOURCES) {
    const sample = SAMPLES[resource];
    const list = await request.get(`/crm/${resource}?limit=1`, { headers: h });
    expect(list.status(), resource).toBe(200);
    const page = await list.json();
    expect(page).toMatchObject({ page: 1, limit: 1 });
    expect(page.total, `${resource}: demo records`).toBeGreaterThanOrEqual(2);
    expect(page.data).toHaveLength(1);

    const body = await createBody(request, resource, h);
    const created = await request.post(`/crm/${resource}`, { headers: h, data: body });
    expect(created.status(), `${resource}: ${await created.text()}`).toBe(201);
    const record = await created.json();
    expect(record).toMatchObject({ ...body, organisation_id: w.acmeId });
    const url = `/crm/${resource}/${record.id}`;

    expect(await (await request.get(url, { headers: h })).json()).toEqual(record);
    const updated = await request.patch(url, { headers: h, data: sample.change });
    expect(updated.status()).toBe(200);
    expect(await updated.json()).toMatchObject(sample.change);
    expect((await request.delete(url, { headers: h })).status()).toBe(204);
    const gone = await request.get(url, { headers: h });
    expect(gone.status()).toBe(404);
    expect(await errorCode(gone)).toBe('not_found');
  }
});

test('a key limited to Acme never reads or writes Globex data', async ({ request, baseURL }) => {
  const w = await demoWorld(baseURL);
  const acme = await createKey(w.admin, { permissions: readWrite, tenants: [w.acmeId] });
  const globex = await createKey(w.globexAdmin, { permissions: readWrite, tenants: [w.globexId] });
  for (const resource of RESOURCES) {
    const globexList = await (
      await request.get(`/crm/${resource}`, { headers: keyHeader(globex.secret) })
    ).json();
    const globexId = globexList.data[0].id as string;
    const acmeList = await (
      await request.get(`/crm/${resource}?limit=100`, { headers: keyHeader(acme.secret) })
    ).json();
    expect(acmeList.data.every((r: { organisation_id: string }) => r.organisation_id === w.acmeId)).toBe(
      true,
    );
    expect(acmeList.data.some((r: { id: string }) => r.id === globexId)).toBe(false);

    // Another tenant's record does not exist for this key: 404, never 403.
    const url = `/crm/${resource}/${globexId}`;
    for (const res of [
      await request.get(url, { headers: keyHeader(acme.secret) }),
      await request.patch(url, { headers: keyHeader(acme.secret), data: SAMPLES[resource].change }),
      await request.delete(url, { headers: keyHeader(acme.secret) }),
    ]) {
      expect(res.status(), resource).toBe(404);
      expect(await errorCode(res)).toBe('not_found');
    }
    // Naming the other tenant is a 403.
    const named = await request.get(`/crm/${resource}`, { headers: keyHeader(acme.secret, w.globexId) });
    expect(named.status()).toBe(403);
    expect(await errorCode(named)).toBe('tenant_forbidden');
    // And the Globex record is untouched.
    expect((await request.get(url, { headers: keyHeader(globex.secret) })).status()).toBe(200);
  }
  // References must point into the same tenant.
  const globexCustomer = (
    await (await request.get('/crm/customers', { headers: keyHeader(globex.secret) })).json()
  ).data[0].id;
  const contact = await request.post('/crm/contacts', {
    headers: keyHeader(acme.secret),
    data: { first_name: 'Sneaky', customer_id: globexCustomer },
  });
  expect(contact.status()).toBe(422);
  expect((await contact.json()).error.fields).toHaveProperty('customer_id');
  const globexService = (
    await (await request.get('/crm/services', { headers: keyHeader(globex.secret) })).json()
  ).data[0].id;
  const provisioning = await request.post('/crm/provisioning', {
    headers: keyHeader(acme.secret),
    data: { service_id: globexService, action: 'suspend' },
  });
  expect(provisioning.status()).toBe(422);
  expect(Object.keys((await provisioning.json()).error.fields)).toEqual(['service_id']);
});

test('each of the four newer resources answers to its own permission only', async ({ request, baseURL }) => {
  const w = await demoWorld(baseURL);
  const agentsOnly = await createKey(w.admin, { permissions: ['agents:read'], tenants: [w.acmeId] });
  const h = keyHeader(agentsOnly.secret);
  const agents = await request.get('/crm/agents', { headers: h });
  expect(agents.status()).toBe(200);
  const page = await agents.json();
  expect(page.total).toBeGreaterThanOrEqual(2);
  expect(page.data[0]).toMatchObject({ organisation_id: w.acmeId, name: expect.any(String) });
  expect((await request.get(`/crm/agents/${page.data[0].id}`, { headers: h })).status()).toBe(200);
  for (const res of [
    await request.get('/crm/knowledge-base', { headers: h }),
    await request.get('/crm/integrations', { headers: h }),
    await request.get('/crm/provisioning', { headers: h }),
    await request.post('/crm/agents', { headers: h, data: { name: 'Nope' } }),
  ]) {
    expect(res.status()).toBe(403);
    expect(await errorCode(res)).toBe('permission_denied');
  }
  // Integration settings never hold a secret: every integrations:read key reads them.
  const integrations = await createKey(w.admin, { permissions: ['integrations:write'], tenants: [w.acmeId] });
  const secret = await request.post('/crm/integrations', {
    headers: keyHeader(integrations.secret),
    data: { name: 'Billing', kind: 'billing', settings: { region: 'eu', api_key: 'abc123' } },
  });
  expect(secret.status()).toBe(422);
  expect(Object.keys((await secret.json()).error.fields)).toEqual(['settings.api_key']);
});

test('multi-tenant and all-tenants keys must name their tenant, and act only on it', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const multi = await createKey(w.superadmin, {
    permissions: ['customers:read'],
    tenants: [w.acmeId, w.globexId],
  });
  const all = await createKey(w.superadmin, { permissions: ['customers:read'], tenants: 'all' });
  for (const key of [multi, all]) {
    const unnamed = await request.get('/crm/customers', { headers: keyHeader(key.secret) });
    expect(unnamed.status()).toBe(400);
    expect(await errorCode(unnamed)).toBe('tenant_required');
    for (const tenant of [w.acmeId, w.globexId]) {
      const res = await request.get('/crm/customers', { headers: keyHeader(key.secret, tenant) });
      expect(res.status()).toBe(200);
      expect(
        (await res.json()).data.every((r: { organisation_id: string }) => r.organisation_id === tenant),
      ).toBe(true);
    }
  }
  const malformed = await request.get('/crm/customers', { headers: keyHeader(all.secret, 'acme') });
  expect(malformed.status()).toBe(400);
  // A one-tenant key may name its own tenant explicitly.
  const one = await createKey(w.admin, { permissions: ['customers:read'], tenants: [w.acmeId] });
  expect((await request.get('/crm/customers', { headers: keyHeader(one.secret, w.acmeId) })).status()).toBe(
    200,
  );
});

test('read-only keys cannot write, write-only keys cannot read, analytics is read-only', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const reader = await createKey(w.admin, { permissions: ['customers:read'], tenants: [w.acmeId] });
  const writer = await createKey(w.admin, { permissions: ['customers:write'], tenants: [w.acmeId] });
  const analytics = await createKey(w.admin, { permissions: ['analytics:read'], tenants: [w.acmeId] });
  const existing = (await (await request.get('/crm/customers', { headers: keyHeader(reader.secret) })).json())
    .data[0];

  for (const res of [
    await request.post('/crm/customers', { headers: keyHeader(reader.secret), data: { name: 'Nope' } }),
    await request.patch(`/crm/customers/${existing.id}`, {
      headers: keyHeader(reader.secret),
      data: { name: 'Nope' },
    }),
    await request.delete(`/crm/customers/${existing.id}`, { headers: keyHeader(reader.secret) }),
    await request.get('/crm/customers', { headers: keyHeader(writer.secret) }),
    await request.get(`/crm/customers/${existing.id}`, { headers: keyHeader(writer.secret) }),
    await request.get('/crm/leads', { headers: keyHeader(reader.secret) }),
    await request.get('/crm/analytics/summary', { headers: keyHeader(reader.secret) }),
    await request.get('/crm/customers', { headers: keyHeader(analytics.secret) }),
  ]) {
    expect(res.status()).toBe(403);
    expect(await errorCode(res)).toBe('permission_denied');
  }
  expect(
    (await request.get(`/crm/customers/${existing.id}`, { headers: keyHeader(reader.secret) })).status(),
  ).toBe(200);
  const created = await request.post('/crm/customers', {
    headers: keyHeader(writer.secret),
    data: { name: 'Write-only' },
  });
  expect(created.status()).toBe(201);

  const write = await request.post('/crm/analytics/summary', {
    headers: keyHeader(analytics.secret),
    data: {},
  });
  expect(write.status()).toBe(405);
  expect(write.headers()['allow']).toBe('GET');
  expect(await errorCode(write)).toBe('method_not_allowed');
  const summary = await request.get('/crm/analytics/summary', { headers: keyHeader(analytics.secret) });
  expect(summary.status()).toBe(200);
  const counts = await summary.json();
  expect(counts.organisation_id).toBe(w.acmeId);
  expect(counts.customers.total).toBeGreaterThanOrEqual(3);
  expect(counts.leads.total).toBeGreaterThanOrEqual(2);
  expect(counts.inventory.quantity).toBeGreaterThan(0);
});

test('bad input: 422 names every field, bad JSON is a 400, nothing is written', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const key = await createKey(w.admin, { permissions: ['calls:read', 'calls:write'], tenants: [w.acmeId] });
  const h = keyHeader(key.secret);
  const before = (await (await request.get('/crm/calls', { headers: h })).json()).total;
  const res = await request.post('/crm/calls', {
    headers: h,
    data: {
      direction: 'sideways',
      phone: 'call me',
      duration_seconds: -1,
      occurred_at: 'yesterday',
      contact_id: 'x',
    },
  });
  expect(res.status()).toBe(422);
  const { error } = await res.json();
  expect(error.code).toBe('validation_failed');
  expect(Object.keys(error.fields).sort()).toEqual([
    'contact_id',
    'direction',
    'duration_seconds',
    'occurred_at',
    'phone',
  ]);

  const broken = await request.post('/crm/calls', {
    headers: { ...h, 'Content-Type': 'application/json' },
    data: Buffer.from('{"direction":'),
  });
  expect(broken.status()).toBe(400);
  expect(await errorCode(broken)).toBe('invalid_json');
  const empty = await request.patch(`/crm/calls/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, {
    headers: h,
    data: {},
  });
  expect(empty.status()).toBe(422);
  expect((await (await request.get('/crm/calls', { headers: h })).json()).total).toBe(before);

  const badPage = await request.get('/crm/calls?limit=1000', { headers: h });
  expect(badPage.status()).toBe(422);
  expect((await badPage.json()).error.fields).toHaveProperty('limit');
});
