import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '@/lib/permissions';
import { buildOpenApiDocument } from '@/lib/api/openapi/document';
import { openApiRoutes, openApiWebhooks } from './routes';

type Schema = Record<string, unknown>;
type Operation = {
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses: Record<string, unknown>;
  security: unknown[];
};

/**
 * The document tells the whole truth: every rule the server enforces on a request is in it, so a
 * client generated from it never sends what the server refuses for a reason the document hides.
 */
describe('the OpenAPI document tells the whole truth', () => {
  const document = buildOpenApiDocument(openApiRoutes(), 'https://crm.example.test', openApiWebhooks());
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  );
  const body = (path: string, method: string) =>
    (document.paths[path] as Record<string, Operation>)[method].requestBody!.content['application/json']
      .schema;

  it('update bodies need at least one property', () => {
    const updates = operations.filter(
      (o) => (o.method === 'patch' || o.method === 'put') && o.op.requestBody,
    );
    expect(updates.length).toBeGreaterThan(10);
    for (const { path, method } of updates) {
      const schema = body(path, method);
      if (path === '/crm/webhooks/{id}') expect(schema.required).toContain('status');
      // A whole-object PUT with required fields cannot be empty either.
      else if (method === 'put' && Array.isArray(schema.required) && schema.required.length > 0) continue;
      else expect(schema.minProperties, `${method} ${path}`).toBe(1);
    }
  });

  it('lists the permission catalogue as an enum, and dates, URLs and control characters as rules', () => {
    const create = body('/crm/api-keys', 'post') as { properties: Record<string, Schema> };
    // The canonical catalogue as an enum; the published view_/create_… aliases as a deprecated branch.
    const items = create.properties.permissions.items as { anyOf: Schema[] };
    expect(items.anyOf[0].enum).toEqual(ALL_PERMISSIONS);
    expect(items.anyOf[1]).toMatchObject({ deprecated: true });
    expect(items.anyOf[1].enum).toContain('view_customer');
    expect(JSON.stringify(create.properties.expiry_date)).toContain('pattern');
    expect(create.properties.name.pattern).toBeDefined();
    const hook = body('/crm/webhooks', 'post') as { properties: Record<string, Schema> };
    expect(hook.properties.url.format).toBe('uri');
    const customer = body('/crm/customers', 'post') as { properties: Record<string, Schema> };
    expect(new RegExp(customer.properties.name.pattern as string, 'u').test('a\u0001b')).toBe(false);
    expect(new RegExp(customer.properties.name.pattern as string, 'u').test('Ann\tLee')).toBe(true);
  });

  it('gives Idempotency-Key its pattern and paging real bounds', () => {
    const idem = operations.flatMap((o) => o.op.parameters ?? []).filter((p) => p.name === 'Idempotency-Key');
    expect(idem.length).toBeGreaterThan(0);
    for (const p of idem) expect(p.schema.pattern).toBeDefined();
    for (const { path, op } of operations) {
      for (const p of op.parameters ?? []) {
        const text = JSON.stringify(p.schema);
        expect(text, `${path} ${p.name}`).not.toContain('9007199254740991');
        if (p.name === 'page') expect(p.schema).toMatchObject({ minimum: 1 });
        if (p.name === 'limit') expect(p.schema).toMatchObject({ minimum: 1, maximum: 100 });
      }
    }
  });

  it('lists 413 for every body, 429 and 503 for every keyed operation, 404 for unknown tenants', () => {
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      if (op.requestBody) expect(op.responses, where).toHaveProperty('413');
      if (op.security.length) {
        expect(op.responses, where).toHaveProperty('429');
        expect(op.responses, where).toHaveProperty('503');
      }
    }
    const list = (document.paths['/crm/customers'] as Record<string, Operation>).get;
    expect(list.responses).toHaveProperty('404');
  });
});
