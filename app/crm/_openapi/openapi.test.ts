import { readdirSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@/lib/api/errors';
import { openApiRoutes, openApiWebhooks } from './routes';
import { routeGuard } from '@/lib/api/with-key';
import { HTTP_METHODS, type HttpMethod } from '@/lib/api/openapi/define';
import { buildOpenApiDocument } from '@/lib/api/openapi/document';
import { listApiUrls } from '@/lib/api/openapi/urls';
import { WEBHOOK_EVENT_TYPES } from '@/lib/validation/webhooks';

type Schema = Record<string, unknown>;

const ORIGIN = 'https://crm.example.test';
const APP_CRM = path.resolve(__dirname, '..');
/** The headers every webhook delivery carries, in the order the document lists them. */
const DELIVERY_HEADERS = [
  'X-Webhook-Id',
  'X-Webhook-Event',
  'X-Webhook-Subscription',
  'X-Webhook-Attempt',
  'X-Webhook-Timestamp',
  'X-Webhook-Signature',
];

/** Every app/crm/**\/route.ts as its URL path ("[id]" → "{id}") and file. */
function routeFiles(dir = APP_CRM, segments: string[] = ['crm']): { path: string; file: string }[] {
  const out: { path: string; file: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // The catch-all answers 404 for paths no route serves: not an operation.
      if (entry.name.startsWith('[...')) continue;
      // Route groups "(x)" add no segment; "[id]" is a parameter.
      const segment = /^\(.*\)$/.test(entry.name) ? null : entry.name.replace(/^\[(.+)\]$/, '{$1}');
      out.push(...routeFiles(full, segment ? [...segments, segment] : segments));
    } else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
      out.push({ path: `/${segments.join('/')}`, file: full });
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument(openApiRoutes(), ORIGIN, openApiWebhooks());

  it('is a valid OpenAPI 3.1 document', async () => {
    // validate() mutates what it is given (dereferencing): give it a copy.
    const api = await SwaggerParser.validate(structuredClone(document) as never);
    expect((api as { openapi?: string }).openapi).toBe('3.1.0');
  });

  it('shows no safe-integer bounds (±2^53) for Swagger UI to offer as examples', () => {
    const text = JSON.stringify(document);
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(text).toContain('"page"');
  });

  it('is checked by a validator that does refuse a broken document', async () => {
    const broken = structuredClone(document) as unknown as { paths: Record<string, Record<string, unknown>> };
    // A parameter without "in", and an error response pointing at a schema that does not exist.
    (broken.paths['/crm/me'].get as { parameters?: unknown }).parameters = [{ name: 'x' }];
    await expect(SwaggerParser.validate(structuredClone(broken) as never)).rejects.toThrow();
    const dangling = structuredClone(document) as unknown as {
      components: { schemas: Record<string, unknown> };
    };
    delete dangling.components.schemas.Error;
    await expect(SwaggerParser.validate(dangling as never)).rejects.toThrow(/Error/);
  });

  it('serves every route under app/crm dynamically, the catch-all included', async () => {
    // `dynamic = 'force-dynamic'` hands a handler the request itself; the default ('auto') wraps it
    // in a Proxy that tracks every header read for static generation, a cost on each API request
    // (docs/performance.md). No API answer may be static anyway.
    const files = [...routeFiles().map((f) => f.file), path.join(APP_CRM, '[...unknown]', 'route.ts')];
    for (const file of files) {
      const routeModule = (await import(file)) as { dynamic?: string };
      expect(routeModule.dynamic, file).toBe('force-dynamic');
    }
  });

  it('lists every route file and exported method under app/crm, and nothing else', async () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(2);
    const inFiles: string[] = [];
    for (const { path: urlPath, file } of files) {
      const routeModule = (await import(file)) as Record<string, unknown>;
      // A handler that only answers 405 (methodNotAllowed) is not an operation.
      const methods = HTTP_METHODS.filter(
        (m) =>
          typeof routeModule[m] === 'function' && routeGuard(routeModule[m])?.kind !== 'method-not-allowed',
      );
      expect(methods.length, `${file} exports no HTTP method`).toBeGreaterThan(0);
      for (const m of methods) inFiles.push(`${m} ${urlPath}`);
    }
    const documented = listApiUrls(document).map((u) => `${u.method} ${u.path}`);
    expect([...documented].sort()).toEqual([...inFiles].sort());
  });

  it('documents each path with the route module of that very path', async () => {
    const files = new Map(routeFiles().map((f) => [f.path, f.file]));
    for (const route of openApiRoutes()) {
      const file = files.get(route.path);
      expect(file, `${route.path} has no route file`).toBeDefined();
      expect(route.module).toBe(await import(file!));
    }
  });

  it('documents every error code with its status, and both ways to send a key', () => {
    const components = document.components as {
      examples: Record<string, { value: { error: { code: string } } }>;
      securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }>;
      schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } };
    };
    expect(Object.keys(components.examples).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(components.schemas.Error.properties.error.properties.code.enum.sort()).toEqual(
      Object.keys(ERROR_CODES).sort(),
    );
    expect(components.securitySchemes.ApiKeyHeader).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-KEY',
    });
    expect(components.securitySchemes.BearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    // Each error response lists only codes of its own status.
    for (const item of Object.values(document.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op!.responses)) {
          const examples = (
            response.content as Record<string, { examples?: Record<string, unknown> }> | undefined
          )?.['application/json']?.examples;
          for (const code of Object.keys(examples ?? {})) {
            expect(ERROR_CODES[code as keyof typeof ERROR_CODES].status).toBe(Number(status));
          }
        }
      }
    }
  });

  it('takes the guard of each operation from its handler', () => {
    const me = document.paths['/crm/me'].get!;
    expect(me.security).toEqual([{ ApiKeyHeader: [] }, { BearerAuth: [] }]);
    expect(Object.keys(me.responses)).toEqual(expect.arrayContaining(['200', '401']));
    const health = document.paths['/crm/health'].get!;
    expect(health.security).toEqual([]);
    expect(health.responses['401']).toBeUndefined();
    expect(Object.keys(health.responses)).toContain('503');
  });

  it('names this server, and every operation carries curl, fetch and requests samples', () => {
    expect(document.servers).toEqual([{ url: ORIGIN, description: 'This server' }]);
    for (const url of listApiUrls(document)) {
      const op = document.paths[url.path][url.method.toLowerCase() as Lowercase<HttpMethod>]!;
      expect(op['x-codeSamples'].map((s) => s.label)).toEqual([
        'curl',
        'JavaScript (fetch)',
        'Python (requests)',
      ]);
      const curl = op['x-codeSamples'][0].source;
      expect(curl).toContain(
        `curl -X ${url.method} "${ORIGIN}${url.path.replace(/\{(\w+)\}/g, (_, p) => `$${p.toUpperCase()}`)}"`,
      );
      expect(curl.includes('X-API-KEY: $CRM_API_KEY')).toBe(!url.public);
      expect(curl.includes('X-Tenant-Id')).toBe(url.tenant);
      expect(op.description).toContain('#### Request samples');
    }
  });

  it('gives every request body an example that its own schema accepts', () => {
    let checked = 0;
    for (const route of openApiRoutes()) {
      for (const [method, op] of Object.entries(route.operations)) {
        if (!op?.body) continue;
        const documented = document.paths[route.path][method.toLowerCase() as Lowercase<HttpMethod>]!;
        const example = (documented.requestBody!.content as Record<string, { example: unknown }>)[
          'application/json'
        ].example;
        const parsed = op.body.safeParse(example);
        expect(parsed.success, `${method} ${route.path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('documents the webhook event the API sends, with an example its schema accepts', () => {
    const event = document.webhooks!.crmEvent.post as {
      parameters: { name: string }[];
      requestBody: { content: Record<string, { example: unknown }> };
    };
    expect(event.parameters.map((p) => p.name)).toEqual(DELIVERY_HEADERS);
    const example = event.requestBody.content['application/json'].example;
    expect(openApiWebhooks()[0].body.safeParse(example).success).toBe(true);
  });

  it('documents every event type the API sends, each with the signature headers and a schema-valid example', () => {
    const docs = openApiWebhooks();
    expect(Object.keys(document.webhooks!).sort()).toEqual(docs.map((d) => d.name).sort());
    const documentedTypes = new Set<string>();
    for (const doc of docs) {
      const event = document.webhooks![doc.name].post as {
        parameters: { name: string; example: string }[];
        requestBody: { content: Record<string, { schema: Schema; example: Record<string, unknown> }> };
      };
      expect(event.parameters.map((p) => p.name)).toEqual(DELIVERY_HEADERS);
      const { schema, example } = event.requestBody.content['application/json'];
      const parsed = doc.body.safeParse(example);
      expect(parsed.success, `${doc.name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      // The X-Webhook-Event header shows a type this very body may carry.
      const type = (schema.properties as Record<string, Schema>).type;
      const types = (type.enum as string[] | undefined) ?? [type.const as string];
      expect(types).toContain(event.parameters[1].example);
      types.forEach((t) => documentedTypes.add(t));
    }
    expect([...documentedTypes].sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(documentedTypes).toContain('api_key.expiring');
  });

  it('shows API key events the key as the API does, and never a secret or its hash', () => {
    for (const operation of ['expiring', 'revoked', 'leaked', 'rotated']) {
      const event = document.webhooks![`apiKey${operation[0].toUpperCase()}${operation.slice(1)}`].post as {
        requestBody: { content: Record<string, { schema: Schema }> };
      };
      const schema = event.requestBody.content['application/json'].schema;
      const properties = schema.properties as Record<string, Schema>;
      expect(properties.type.const).toBe(`api_key.${operation}`);
      const data = properties.data.properties as Record<string, unknown>;
      expect(Object.keys(data).sort()).toEqual(
        Object.keys(
          (
            document.paths['/crm/api-keys/{id}'].get!.responses['200'].content as Record<
              string,
              { schema: { properties: Record<string, unknown> } }
            >
          )['application/json'].schema.properties,
        ).sort(),
      );
      expect(Object.keys(data)).not.toContain('api_key');
      expect(JSON.stringify(schema)).not.toMatch(/key_hash|signing_secret/);
    }
    const rotated = document.webhooks!.apiKeyRotated.post as {
      requestBody: { content: Record<string, { schema: Schema }> };
    };
    const details = (
      rotated.requestBody.content['application/json'].schema.properties as Record<string, Schema>
    ).details;
    expect(Object.keys(details.properties as object)).toEqual(['previous_key_expires_at']);
  });

  it('gives every success response an example that its own schema accepts', () => {
    let checked = 0;
    for (const route of openApiRoutes()) {
      for (const [method, op] of Object.entries(route.operations)) {
        if (!op?.response) continue;
        const documented = document.paths[route.path][method.toLowerCase() as Lowercase<HttpMethod>]!;
        const content = documented.responses[String(op.status ?? 200)].content as Record<
          string,
          { example: unknown }
        >;
        const parsed = op.response.safeParse(content['application/json'].example);
        expect(parsed.success, `${method} ${route.path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });
});
