import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createAppDatabase, startApp, type AppDatabase, type RunningApp } from './app-process';
import { HAS_POSTGRES, PORTS } from './config';
import { createKey, signInOverHttp } from './helpers/api';

/**
 * Property-based tests driven by the OpenAPI document itself (/crm/openapi.json of the built app), on
 * an app of their own per database (so nothing else writes while we count rows). For every operation,
 * as an admin key: inputs generated from the documented schemas (valid) and broken on purpose (wrong
 * types, huge and unicode strings, control characters, injection strings, invalid dates, negative and
 * huge paging, unknown fields and parameters, repeated and oversized headers). Asserted:
 * - no 5xx;
 * - every status is one the document lists for that operation, and its body validates against the
 *   documented schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 says);
 * - refused requests change nothing: record counts and audit events are the same before and after.
 * Bounded: FUZZ_RUNS cases of each kind per operation (default 8); the seed is printed (FUZZ_SEED).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

type Schema = Record<string, unknown>;
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses: Record<string, { content?: { 'application/json'?: { schema: Schema } } }>;
};
type Doc = { paths: Record<string, Record<string, Operation>> };
type Case = {
  kind: 'valid' | 'invalid';
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string;
};

const NASTY = [
  "' OR 1=1 --",
  '"; DROP TABLE customers; --',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '../../../../etc/passwd',
  '\u0000\u0001\u001b[31m',
  '\ud83d\ude00\u202e\u200b',
  'A'.repeat(5000),
  '2030-02-30',
  '2030-13-01T25:61:00Z',
  '-1',
  '1e309',
  'NaN',
];

/** An arbitrary of values the schema accepts (best effort: the server may still refuse, e.g. a missing reference). */
function valid(schema: Schema | undefined, refs: Record<string, string[]>, name = ''): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) return fc.oneof(...branches.map((b) => valid(b, refs, name)));
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string);
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min: Number(schema.minimum ?? -1000),
        max: Math.min(Number(schema.maximum ?? 1_000_000), 1_000_000_000),
      });
    case 'number':
      return fc.double({
        min: Number(schema.minimum ?? -1e6),
        max: Number(schema.maximum ?? 1e6),
        noNaN: true,
      });
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      return fc.array(valid(schema.items as Schema, refs, name), {
        minLength: min,
        maxLength: Math.max(min, 3),
      });
    }
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const shape = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valid(s, refs, k)]));
      const optional = Object.keys(props).filter((k) => !required.includes(k));
      return fc.record(shape, { requiredKeys: required }).map((value) => {
        // minProperties: 1 on updates — make sure at least one field is there.
        if (Object.keys(value).length === 0 && optional.length) return { [optional[0]]: null };
        return value;
      });
    }
    case 'string':
      return validString(schema, refs, name);
    default:
      return fc.constant(null);
  }
}

function validString(schema: Schema, refs: Record<string, string[]>, name: string): fc.Arbitrary<string> {
  const max = Math.min(Number(schema.maxLength ?? 60), 300);
  const min = Number(schema.minLength ?? 0);
  if (schema.format === 'uuid') {
    const known = refs[name] ?? [];
    return known.length ? fc.oneof(fc.constantFrom(...known), fc.uuid()) : fc.uuid();
  }
  if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= 320);
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.format === 'uri') return fc.nat(9999).map((n) => `http://127.0.0.1:9/hook-${n}`);
  if (name === 'expiry_date') return fc.integer({ min: 2, max: 3000 }).map((days) => futureDay(days));
  if (typeof schema.pattern === 'string' && !schema.pattern.includes('\\u0000')) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= max);
  }
  return fc
    .string({ minLength: Math.max(min, 1), maxLength: max, unit: 'grapheme' })
    .map((s) => s.replace(/[\u0000-\u001f\u007f]/g, 'x').trim() || 'x');
}

function futureDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const junk = fc.oneof(
  fc.constantFrom<unknown>(...NASTY, 0, -1, 2 ** 53, 1e308, true, null, [], {}, [1, 2], { a: { b: 1 } }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ minLength: 3000, maxLength: 6000 }),
);

/** A body the schema refuses: a field of the wrong type or value, an unknown field, or no object at all. */
function invalidBody(schema: Schema, refs: Record<string, string[]>): fc.Arbitrary<string> {
  const props = Object.keys((schema.properties ?? {}) as Record<string, Schema>);
  const base = valid(schema, refs) as fc.Arbitrary<Record<string, unknown>>;
  return fc.oneof(
    fc
      .tuple(base, fc.constantFrom(...(props.length ? props : ['x'])), junk)
      .map(([b, k, v]) => JSON.stringify({ ...b, [k]: v })),
    fc
      .tuple(
        base,
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !props.includes(k)),
      )
      .map(([b, k]) => JSON.stringify({ ...b, [`${k}_unknown`]: 1 })),
    fc.constantFrom(
      '',
      '{}',
      '[]',
      'null',
      '"text"',
      '{"a":',
      '\u0000',
      '{"__proto__":{"admin":true}}',
      '1'.repeat(400),
    ),
  );
}

function buildCases(
  op: Operation,
  kind: 'valid' | 'invalid',
  refs: Record<string, string[]>,
  tenant: string,
  seed: number,
): Case[] {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const bodySchema = op.requestBody?.content['application/json'].schema;
  const idArb = (name: string) =>
    kind === 'valid'
      ? fc.oneof(fc.constantFrom(...(refs[name]?.length ? refs[name] : [randomUUID()])), fc.uuid())
      : fc.oneof(fc.uuid(), fc.constantFrom('not-a-uuid', '0', '%00', '..', "1' OR '1'='1", 'A'.repeat(300)));
  const pathArb = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, idArb(p.name)])));
  const queryArb =
    kind === 'valid'
      ? fc
          .record(Object.fromEntries(queryParams.map((p) => [p.name, valid(p.schema, refs, p.name)])), {
            requiredKeys: [],
          })
          .map((q) => Object.entries(q).map(([k, v]) => [k, String(v)] as [string, string]))
      : fc.oneof(
          fc.constantFrom<[string, string][]>(
            [['page', '-1']],
            [['page', '0']],
            [['page', '99999999999999999999']],
            [['limit', '1000']],
            [['limit', '1.5']],
            [['limit', 'ten']],
            [['stauts', 'revoked']],
            [
              ['page', '1'],
              ['page', '2'],
            ],
          ),
          fc
            .tuple(fc.constantFrom('page', 'limit', 'status', 'window', 'q', 'zzz'), junk)
            .map(([k, v]) => [[k, String(v)]] as [string, string][]),
        );
  const headerArb =
    kind === 'valid'
      ? fc.constant({ 'x-tenant-id': tenant } as Record<string, string>)
      : fc.constantFrom<Record<string, string>>(
          { 'x-tenant-id': tenant },
          { 'x-tenant-id': `${tenant}, ${randomUUID()}` },
          { 'x-tenant-id': randomUUID() },
          { 'x-tenant-id': 'x'.repeat(8000) },
          { 'x-tenant-id': "' OR 1=1 --" },
          { 'x-tenant-id': tenant, 'idempotency-key': 'é'.repeat(300) },
          { 'x-tenant-id': tenant, 'idempotency-key': 'a'.repeat(256) },
        );
  const bodyArb = bodySchema
    ? kind === 'valid'
      ? valid(bodySchema, refs).map((b) => JSON.stringify(b))
      : invalidBody(bodySchema, refs)
    : fc.constant(undefined);
  const arb = fc.record({ path: pathArb, query: queryArb, headers: headerArb, body: bodyArb });
  return fc
    .sample(arb, { numRuns: RUNS, seed })
    .map((c) => ({ kind, ...c, path: c.path as Record<string, string> }) as Case);
}

async function fuzzOneApp(app: RunningApp, label: string) {
  const { baseURL } = app;
  const doc = (await (await fetch(`${baseURL}/crm/openapi.json`)).json()) as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'doc');

  const superadmin = await signInOverHttp(baseURL, 'superadmin');
  const admin = await signInOverHttp(baseURL, 'admin');
  const orgId = async (session: APIRequestContext) =>
    ((await (await session.get('/crm/api-keys?limit=1')).json()) as { data: { organisation_id: string }[] })
      .data[0].organisation_id;
  const tenant = await orgId(admin);
  const key = await createKey(admin, { permissions: ['admin'], tenants: [tenant] });
  const victim = await createKey(admin, { permissions: ['customers:read'], tenants: [tenant] });
  const h = { 'x-api-key': key.secret, 'x-tenant-id': tenant };
  const hook = await (
    await fetch(`${baseURL}/crm/webhooks`, {
      method: 'POST',
      headers: { ...h, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/fuzz', entity: 'customer', operation: 'created' }),
    })
  ).json();
  const refs: Record<string, string[]> = { id: [victim.id, hook.id] };
  for (const resource of ['customers', 'contacts', 'leads', 'calls', 'services', 'inventory']) {
    const page = (await (await fetch(`${baseURL}/crm/${resource}?limit=5`, { headers: h })).json()) as {
      data: { id: string }[];
    };
    refs.id.push(...page.data.map((r) => r.id));
    if (resource === 'customers') refs.customer_id = page.data.map((r) => r.id);
    if (resource === 'contacts') refs.contact_id = page.data.map((r) => r.id);
  }

  /** What a refused request must not change: every count the admin can see, and the audit trail. */
  async function snapshot(): Promise<string> {
    const counts = await Promise.all(
      ['customers', 'contacts', 'leads', 'calls', 'services', 'inventory', 'api-keys'].map(async (r) => {
        const res = await fetch(`${baseURL}/crm/${r}?limit=1`, { headers: h });
        return `${r}=${((await res.json()) as { total: number }).total}`;
      }),
    );
    const hooks = (
      (await (await fetch(`${baseURL}/crm/webhooks`, { headers: h })).json()) as { data: unknown[] }
    ).data.length;
    const audit = await (await superadmin.get('/admin/audit-log/export')).text();
    return `${counts.join(' ')} webhooks=${hooks} audit=${audit.split('\n').length}`;
  }

  const findings: string[] = [];
  let cases = 0;
  const statuses = new Map<number, number>();
  let seed = SEED;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const kind of ['valid', 'invalid'] as const) {
        const batch = buildCases(op, kind, refs, tenant, seed++);
        const write = method !== 'get';
        const before = kind === 'invalid' && write ? await snapshot() : null;
        let allRefused = true;
        for (const c of batch) {
          cases++;
          const url = new URL(
            path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(c.path[n] ?? '')),
            baseURL,
          );
          for (const [k, v] of c.query) url.searchParams.append(k, v);
          const headers: Record<string, string> = { 'x-api-key': key.secret, ...c.headers };
          if (c.body !== undefined) headers['content-type'] = 'application/json';
          const what = `${method.toUpperCase()} ${url.pathname}${url.search.slice(0, 80)} [${kind}] ${(c.body ?? '').slice(0, 120)}`;
          let res: Response;
          try {
            res = await fetch(url, { method: method.toUpperCase(), headers, body: c.body });
          } catch (error) {
            findings.push(`${what}: request failed: ${(error as Error).message}`);
            continue;
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status < 400) allRefused = false;
          const text = await res.text();
          if (res.status >= 500) findings.push(`${what}: ${res.status} ${text.slice(0, 200)}`);
          const documented = op.responses[String(res.status)];
          if (!documented) {
            findings.push(`${what}: status ${res.status} is not documented (${text.slice(0, 120)})`);
            continue;
          }
          if (documented.content?.['application/json']) {
            const pointer = `doc#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${res.status}/content/application~1json/schema`;
            const validate = ajv.getSchema(pointer);
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              findings.push(`${what}: ${res.status} body is not JSON`);
              continue;
            }
            if (validate && !validate(body)) {
              findings.push(
                `${what}: ${res.status} body does not match the document: ${ajv.errorsText(validate.errors)}`,
              );
            }
          }
        }
        if (before !== null && allRefused) {
          const after = await snapshot();
          if (after !== before)
            findings.push(
              `${method.toUpperCase()} ${path} [invalid]: refused requests changed ${before} → ${after}`,
            );
        }
      }
    }
  }
  console.log(
    `openapi fuzz (${label}): seed ${SEED}, ${cases} cases on ${Object.values(doc.paths).reduce((n, i) => n + Object.keys(i).length, 0)} operations; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${findings.length} findings`,
  );
  expect(findings.slice(0, 15), `seed ${SEED}: ${findings.length} findings`).toEqual([]);
}

test.describe('the API against its own OpenAPI document (fast-check)', () => {
  test.describe.configure({ mode: 'serial', timeout: 240_000 });
  const modes = HAS_POSTGRES ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
  for (const [i, mode] of modes.entries()) {
    test(`no 5xx, only documented statuses and bodies, refused requests change nothing (${mode})`, async ({}, testInfo) => {
      test.skip(testInfo.project.name !== 'api:pglite', 'runs once, against apps of its own');
      const database: AppDatabase = await createAppDatabase(mode);
      const app = await startApp(PORTS.pglite + 30 + i, {
        ...database.env,
        WEBHOOKS_ALLOW_PRIVATE: '1',
        WEBHOOKS_WORKER: '0',
      });
      try {
        await fuzzOneApp(app, mode);
      } finally {
        await app.stop();
        await database.remove();
      }
    });
  }
});
