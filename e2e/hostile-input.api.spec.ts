import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createKey, demoWorld, keyHeader } from './helpers/api';

/** Hostile input gets a clear 4xx in the API's error format, never a 500 (issue 13). */

test('PATCH/PUT with a customer_id or contact_id that exists nowhere: 422 naming the field, nothing changed', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const key = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  const h = keyHeader(key.secret);
  const cases = [
    ['calls', { direction: 'inbound', phone: '+1 555 0100' }, 'customer_id'],
    ['calls', { direction: 'inbound', phone: '+1 555 0101' }, 'contact_id'],
    ['contacts', { first_name: 'Ann', last_name: 'Example' }, 'customer_id'],
    ['services', { name: 'Fibre', plan: 'biz-1' }, 'customer_id'],
  ] as const;
  for (const [resource, create, field] of cases) {
    const created = await request.post(`/crm/${resource}`, { headers: h, data: create });
    expect(created.status(), await created.text()).toBe(201);
    const record = await created.json();
    for (const method of ['patch', 'put'] as const) {
      const res = await request[method](`/crm/${resource}/${record.id}`, {
        headers: h,
        data: { [field]: randomUUID() },
      });
      expect(res.status(), `${method} ${resource}.${field}`).toBe(422);
      const body = await res.json();
      expect(body.error.code).toBe('validation_failed');
      expect(Object.keys(body.error.fields)).toEqual([field]);
    }
    const after = await (await request.get(`/crm/${resource}/${record.id}`, { headers: h })).json();
    expect(after.updated_at).toBe(record.updated_at);
  }
});

test('an all-tenants key naming an organisation that does not exist: 404, on reads and creates', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const key = await createKey(w.superadmin, { permissions: ['admin'], tenants: 'all' });
  const h = keyHeader(key.secret, randomUUID());
  const created = await request.post('/crm/customers', { headers: h, data: { name: 'Nobody Ltd' } });
  expect(created.status()).toBe(404);
  expect((await created.json()).error.code).toBe('not_found');
  const hook = await request.post('/crm/webhooks', {
    headers: h,
    data: { url: 'https://example.com/hook', entity: 'customer', operation: 'created' },
  });
  expect([403, 404]).toContain(hook.status());
  const list = await request.get('/crm/customers', { headers: h });
  expect(list.status()).toBe(404);
});

test('TRACE and unknown methods: 405 with Allow, in the error format under /crm', async ({ baseURL }) => {
  for (const path of ['/crm/customers', '/crm/health', '/crm/api-keys/x']) {
    const res = await fetch(`${baseURL}${path}`, { method: 'TRACE' }).catch(async () =>
      rawMethod(baseURL!, 'TRACE', path),
    );
    expect(res.status, path).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expect(res.headers.get('allow')).not.toContain('TRACE');
    const body = (await res.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe('method_not_allowed');
    expect(body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
  }
  const page = await rawMethod(baseURL!, 'PROPFIND', '/login');
  expect(page.status).toBe(405);
  expect(page.headers.get('allow')).toContain('GET');
});

/** fetch refuses TRACE in some runtimes: the same request over node:http. */
function rawMethod(baseURL: string, method: string, path: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseURL}${path}`, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve(
          new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), {
            status: res.statusCode,
            headers: res.headers as Record<string, string>,
          }),
        ),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

test('a body over 1 MB is a 413 payload_too_large, by Content-Length or while it streams', async ({
  request,
  baseURL,
}) => {
  const w = await demoWorld(baseURL);
  const key = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
  const declared = await request.post('/crm/customers', {
    headers: { ...keyHeader(key.secret), 'content-type': 'application/json' },
    data: big,
  });
  expect(declared.status()).toBe(413);
  expect((await declared.json()).error.code).toBe('payload_too_large');

  // Chunked, with no Content-Length, and never finished: the answer comes as soon as 1 MB is passed,
  // so the server stopped reading instead of waiting for the end of the body.
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      `${baseURL}/crm/customers`,
      {
        method: 'POST',
        headers: {
          'x-api-key': key.secret,
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      },
    );
    req.on('error', (e) => reject(e));
    req.write('{"name":"');
    const chunk = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 20; i++) req.write(chunk); // 1.25 MB, and the body is left open
    setTimeout(() => reject(new Error('no answer before the end of the body')), 20_000).unref();
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');

  // A body within the limit, with an Idempotency-Key (the body is read once and shared), still works.
  const ok = await request.post('/crm/customers', {
    headers: { ...keyHeader(key.secret), 'Idempotency-Key': randomUUID() },
    data: { name: 'Small Ltd' },
  });
  expect(ok.status()).toBe(201);
});

test('every list rejects unknown query parameters with 422 naming them', async ({ request, baseURL }) => {
  const w = await demoWorld(baseURL);
  const key = await createKey(w.admin, { permissions: ['admin'], tenants: [w.acmeId] });
  const h = keyHeader(key.secret);
  for (const url of ['/crm/api-keys?stauts=revoked', '/crm/customers?stauts=1', '/crm/webhooks?stauts=1']) {
    const res = await request.get(url, { headers: h });
    expect(res.status(), url).toBe(422);
    expect(Object.keys((await res.json()).error.fields)).toEqual(['stauts']);
  }
  const session = await w.admin.get('/crm/api-keys?stauts=revoked');
  expect(session.status()).toBe(422);
});
