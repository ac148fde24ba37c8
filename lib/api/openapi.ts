import 'server-only';
import { z } from 'zod';
import { ADMIN_PERMISSION, RESOURCES, type Permission } from '@/lib/permissions';
import { codeSamples, codeSamplesMarkdown, SAMPLE_ENV } from './code-samples';
import { ERROR_CODES, type ErrorCode } from './errors';
import { RATE_LIMIT_HEADERS } from './rate-limit-headers';
import { neededPermission, routeGuard, type RouteGuard } from './with-key';

/**
 * The OpenAPI 3.1 document of the /crm API, built from what the code itself uses:
 * - which methods a path has, and how each is guarded (key or public, permission, tenant, session):
 *   read from the exported handlers (withKey/withoutKey record their options on the handler);
 * - request and response shapes: the same zod schemas the handlers validate and shape with,
 *   converted by zod's own z.toJSONSchema (OpenAPI 3.1 schemas are JSON Schema 2020-12);
 * - errors: ERROR_CODES, each code with its status; permissions: the permission catalogue.
 * The registry of routes is app/crm/_openapi/routes.ts; a test checks it against the files in app/crm.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type OperationDoc = {
  summary: string;
  description?: string;
  /** Query string schema (a z.object); each property becomes a query parameter. */
  query?: z.ZodType;
  /** JSON request body schema. */
  body?: z.ZodType;
  /** JSON body of the success response; omit when the success status is 204. */
  response?: z.ZodType;
  /** Success status: 200 unless said otherwise. */
  status?: 200 | 201 | 202 | 204;
  /** What the success response means, when "OK" says too little. */
  responseDescription?: string;
  /** Error codes this operation can return beyond those its guard and inputs already imply. */
  errors?: ErrorCode[];
  /** Request body example, where the schema's own examples do not make a valid request. */
  example?: unknown;
  /** Accepts an Idempotency-Key header (lib/api/idempotency.ts): a retry gets the first response. */
  idempotent?: boolean;
  /** Request headers the operation reads (beyond the key, tenant and idempotency headers). */
  headers?: { name: string; description: string; required: boolean }[];
};

export type RouteDoc = {
  /** The URL path, "{id}" for a dynamic segment "[id]". */
  path: `/crm/${string}`;
  /** The route module itself (`import * as route from '@/app/crm/…/route'`). */
  module: Record<string, unknown>;
  operations: Partial<Record<HttpMethod, OperationDoc>>;
  /** Tag (group) in the docs; default: the resource named by the first path segment. */
  tag?: string;
};

/** An event this API sends to subscribers (OpenAPI 3.1 `webhooks`): its body and headers. */
export type WebhookDoc = {
  name: string;
  summary: string;
  description: string;
  body: z.ZodType;
  headers: { name: string; description: string; example: string }[];
};

export function defineRoute(
  path: RouteDoc['path'],
  module: Record<string, unknown>,
  operations: RouteDoc['operations'],
  tag?: string,
): RouteDoc {
  return { path, module, operations, tag };
}

/** THE error body, as a schema built from ERROR_CODES (the format itself is lib/api/errors.ts). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]).meta({
        description: 'Stable, machine-readable; never changes meaning.',
      }),
      message: z.string().meta({ description: 'For people; may be reworded.' }),
      request_id: z
        .uuid()
        .meta({ description: 'Also in the X-Request-Id header; quote it in support requests.' }),
      fields: z
        .record(z.string(), z.array(z.string()))
        .optional()
        .meta({ description: 'validation_failed only: each invalid field (dotted path) and its messages.' }),
    }),
  })
  .meta({ description: 'Every error of the API has this shape.' });

/** Codes any key-authenticated request can get, whatever the operation. */
const KEY_ERRORS: ErrorCode[] = [
  'conflicting_credentials',
  'key_missing',
  'key_malformed',
  'key_invalid',
  'key_expired',
  'key_disabled',
  'key_revoked',
  'api_access_disabled',
  // Failed key checks from one address are throttled (lib/api/with-key.ts failedKeyCheck).
  'too_many_failed_attempts',
  // A key with rate_limit_per_minute, over it (lib/api/with-key.ts countKeyRequest).
  'rate_limited',
  'internal_error',
  // The database out of reach, or a request over its deadline: retry after Retry-After.
  'service_unavailable',
];

const SECURITY_KEY: Record<string, string[]>[] = [{ ApiKeyHeader: [] }, { BearerAuth: [] }];

type JsonSchema = Record<string, unknown>;

export type OpenApiOperation = {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
  'x-permission': Permission | null;
  'x-tenant-scoped': boolean;
  'x-codeSamples': ReturnType<typeof codeSamples>;
};

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  webhooks?: Record<string, { post: JsonSchema }>;
  components: JsonSchema;
};

/** A zod schema as a JSON Schema for requests (io: input, what clients send) or responses. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const result = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    // Dates and the like, which no JSON response carries, become "any" instead of throwing.
    unrepresentable: 'any',
  }) as JsonSchema;
  // The document declares the dialect once (OpenAPI 3.1 = JSON Schema 2020-12), not per schema.
  delete result.$schema;
  dropSafeIntegerBounds(result);
  return result;
}

/**
 * zod writes the safe-integer range (±2^53 − 1) as the bounds of every int(); Swagger UI then offers
 * -9007199254740991 as an example ("page"). Such bounds say nothing a client needs: drop them.
 */
function dropSafeIntegerBounds(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(dropSafeIntegerBounds);
  const record = node as Record<string, unknown>;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  for (const value of Object.values(record)) dropSafeIntegerBounds(value);
}

const SAMPLE_UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

/**
 * An example value for a JSON Schema: its own examples/default/const/enum first, then one made up
 * from the type and format. Objects get their required properties and those that carry examples.
 */
export function exampleFromSchema(schema: JsonSchema | undefined, name = ''): unknown {
  if (!schema) return null;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (branches?.length) {
    const pick = branches.find((b) => b.type !== 'null') ?? branches[0];
    return exampleFromSchema(pick, name);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length) return exampleFromSchema(schema.allOf[0], name);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(properties)) {
        if (required.has(key) || Array.isArray(prop.examples)) out[key] = exampleFromSchema(prop, key);
      }
      // An update schema has no required fields, but an empty body changes nothing: show one.
      const first = Object.keys(properties)[0];
      if (Object.keys(out).length === 0 && first) out[first] = exampleFromSchema(properties[first], first);
      return out;
    }
    case 'array': {
      const count = Math.max(1, Number(schema.minItems ?? 1));
      return Array.from({ length: Math.min(count, 3) }, () => exampleFromSchema(schema.items as JsonSchema));
    }
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? schema.exclusiveMinimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      return exampleString(schema, name);
    default:
      return null;
  }
}

function exampleString(schema: JsonSchema, name: string): string {
  switch (schema.format) {
    case 'uuid':
      return SAMPLE_UUID;
    case 'email':
      return 'jane.doe@example.com';
    case 'date':
      return '2030-01-31';
    case 'date-time':
      return '2030-01-31T12:00:00Z';
    case 'uri':
    case 'url':
      return 'https://example.com/hooks/crm';
  }
  // Fields validated by code rather than a format: go by the name.
  if (/(^|_)(url|uri)$/.test(name)) return 'https://example.com/hooks/crm';
  if (/(^|_)email$/.test(name)) return 'jane.doe@example.com';
  const words = name ? name.replace(/_/g, ' ') : 'text';
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? Infinity);
  const fit = (text: string) => text.padEnd(min, 'x').slice(0, max);
  if (typeof schema.pattern !== 'string') return fit(`Example ${words}`);
  // A pattern (phone numbers, SKUs, …): the first of a few typical values that matches it.
  const pattern = new RegExp(schema.pattern, 'u');
  const candidates = [`Example ${words}`, '+44 20 7946 0958', 'SKU-1001', 'EUR', 'example', '12345'];
  return candidates.map(fit).find((c) => pattern.test(c)) ?? fit(`Example ${words}`);
}

/** "api-keys" → the api_keys resource of the catalogue. */
function resourceOfPath(path: string): (typeof RESOURCES)[number] | undefined {
  const segment = path.split('/')[2] ?? '';
  return RESOURCES.find((r) => r.id === segment.replace(/-/g, '_'));
}

const EXTRA_TAGS: Record<string, string> = {
  Identity: 'Who the calling API key is.',
  System: 'Health and this document; no key needed.',
};

function tagOf(route: RouteDoc): string {
  return route.tag ?? resourceOfPath(route.path)?.label ?? 'System';
}

function operationId(method: HttpMethod, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()));
  return [method.toLowerCase(), ...words.map((w) => w[0].toUpperCase() + w.slice(1))].join('');
}

type OperationGuard = Exclude<RouteGuard, { kind: 'method-not-allowed' } | { kind: 'unknown-path' }>;

function errorCodesFor(
  guard: OperationGuard,
  needed: Permission | null,
  op: OperationDoc,
  hasPathParams: boolean,
): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (guard.kind === 'key') {
    KEY_ERRORS.forEach((c) => codes.add(c));
    if (needed) codes.add('permission_denied');
    if (guard.options.tenant)
      // not_found: X-Tenant-Id names no organisation.
      ['tenant_required', 'bad_request', 'tenant_forbidden', 'not_found'].forEach((c) =>
        codes.add(c as ErrorCode),
      );
    if (guard.options.allowSession)
      ['unauthenticated', 'forbidden'].forEach((c) => codes.add(c as ErrorCode));
  } else {
    codes.add('internal_error');
  }
  if (op.body)
    ['invalid_json', 'bad_request', 'validation_failed', 'payload_too_large'].forEach((c) =>
      codes.add(c as ErrorCode),
    );
  if (op.query) codes.add('validation_failed');
  if (op.idempotent)
    ['bad_request', 'conflict', 'idempotency_conflict'].forEach((c) => codes.add(c as ErrorCode));
  if (hasPathParams) codes.add('not_found');
  op.errors?.forEach((c) => codes.add(c));
  return [...codes];
}

/** Response headers, defined once in components.headers and referenced by each response. */
const RESPONSE_HEADERS: Record<string, JsonSchema> = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 1 },
  },
  ...Object.fromEntries(
    Object.entries(RATE_LIMIT_HEADERS).map(([name, description]) => [
      name,
      {
        description: `${description} Sent only when the API key has a rate limit.`,
        schema: name === 'RateLimit-Policy' ? { type: 'string' } : { type: 'integer', minimum: 0 },
      },
    ]),
  ),
};
const headerRefs = (names: string[]) =>
  Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));
const RATE_LIMIT_HEADER_NAMES = Object.keys(RATE_LIMIT_HEADERS);

/** The headers of an error status: Retry-After on 429 and 503, the key's RateLimit-* on rate_limited. */
function errorHeaders(status: number, codes: ErrorCode[]): Record<string, JsonSchema> | undefined {
  const names = [
    ...(status === 429 || status === 503 ? ['Retry-After'] : []),
    ...(codes.includes('rate_limited') ? RATE_LIMIT_HEADER_NAMES : []),
  ];
  return names.length ? headerRefs(names) : undefined;
}

function errorResponses(codes: ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const list = byStatus.get(status)!;
    const headers = errorHeaders(status, list);
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].message}`).join('\n\n'),
      ...(headers ? { headers } : {}),
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
          examples: Object.fromEntries(list.map((c) => [c, { $ref: `#/components/examples/${c}` }])),
        },
      },
    };
  }
  return out;
}

function buildOperation(
  route: RouteDoc,
  method: HttpMethod,
  op: OperationDoc,
  origin: string,
): OpenApiOperation {
  const guard = routeGuard(route.module[method]);
  if (!guard || guard.kind === 'method-not-allowed' || guard.kind === 'unknown-path') {
    throw new Error(
      `${method} ${route.path} is not made with withKey or withoutKey, so its guard is unknown.`,
    );
  }
  const needed = guard.kind === 'key' ? neededPermission(guard.options, method) : null;
  const tenant = guard.kind === 'key' && Boolean(guard.options.tenant);
  const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const parameters: JsonSchema[] = params.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  }));
  if (tenant) {
    parameters.push({
      name: 'X-Tenant-Id',
      in: 'header',
      required: false,
      description:
        'The organisation (tenant) to act on. Required when the key may reach several tenants or all of them; ' +
        'may be left out when it reaches exactly one.',
      schema: { type: 'string', format: 'uuid' },
    });
  }
  if (op.idempotent) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Any unique string (1–255 printable characters), e.g. a UUID. Retrying with the same key and body ' +
        'returns the first response (with `Idempotent-Replayed: true`) instead of creating twice.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]{1,255}$' },
    });
  }
  for (const h of op.headers ?? []) {
    parameters.push({
      name: h.name,
      in: 'header',
      required: h.required,
      description: h.description,
      schema: { type: 'string' },
    });
  }
  if (op.query) {
    const query = jsonSchema(op.query, 'input');
    const required = new Set((query.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = schema;
      parameters.push({
        name,
        in: 'query',
        required: required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }

  let requestBody: JsonSchema | undefined;
  let example: unknown;
  if (op.body) {
    const schema = jsonSchema(op.body, 'input');
    example = op.example ?? exampleFromSchema(schema);
    requestBody = { required: true, content: { 'application/json': { schema, example } } };
  }

  const status = op.status ?? 200;
  const success: JsonSchema = { description: op.responseDescription ?? (status === 201 ? 'Created' : 'OK') };
  // A key with a rate limit learns where it stands on every response.
  if (guard.kind === 'key') success.headers = headerRefs(RATE_LIMIT_HEADER_NAMES);
  if (op.response && status !== 204) {
    const schema = jsonSchema(op.response, 'output');
    success.content = { 'application/json': { schema, example: exampleFromSchema(schema) } };
  }

  const samples = codeSamples({
    method,
    origin,
    path: route.path,
    key: guard.kind === 'key',
    tenant,
    body: op.body ? example : undefined,
    jsonResponse: status !== 204,
  });

  const access: string[] = [];
  if (guard.kind === 'public') access.push('**No API key needed.**');
  else if (needed) {
    access.push(
      `**Permission:** \`${needed}\`${needed === ADMIN_PERMISSION ? '' : ' (or `admin`, which holds every permission)'}.`,
    );
  } else access.push('**Permission:** none beyond a valid API key.');
  if (tenant) access.push('**Tenant-scoped:** acts on the organisation named by `X-Tenant-Id`.');
  if (guard.kind === 'key' && guard.options.allowSession) {
    access.push("Also accepts a signed-in admin's session cookie (the web app calls it this way).");
  }

  return {
    operationId: operationId(method, route.path),
    summary: op.summary,
    description: [op.description, access.join('\n\n'), codeSamplesMarkdown(samples)]
      .filter(Boolean)
      .join('\n\n'),
    tags: [tagOf(route)],
    security: guard.kind === 'key' ? SECURITY_KEY : [],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [String(status)]: success,
      ...errorResponses(errorCodesFor(guard, needed, op, params.length > 0)),
    },
    'x-permission': needed,
    'x-tenant-scoped': tenant,
    'x-codeSamples': samples,
  };
}

function overview(origin: string): string {
  const permissionRows = RESOURCES.map((r) => {
    const readOnly = 'readOnly' in r && r.readOnly;
    return `| ${r.label} | \`${r.id}:read\` | ${readOnly ? '—' : `\`${r.id}:write\``} |`;
  });
  const errorRows = Object.entries(ERROR_CODES).map(
    ([code, e]) => `| \`${code}\` | ${e.status} | ${e.message} |`,
  );
  return `The HTTP API of the CRM. Every path below is relative to **${origin}**.

## Quick start

1. An admin creates an API key on the **API keys** page (${origin}/admin/api-keys) and copies it: it is shown once.
2. Keep it in an environment variable, never in code: \`export ${SAMPLE_ENV.key}=sk_live_…\`
3. Call the API:

\`\`\`bash
curl "${origin}/crm/me" -H "X-API-KEY: $${SAMPLE_ENV.key}"
\`\`\`

Every operation below carries the same request in curl, JavaScript (fetch) and Python (requests).

## Authentication

Send the key in the \`X-API-KEY\` header, or as \`Authorization: Bearer <key>\`. Integration keys
start with \`sk_live_\`, personal keys with \`pat_live_\`. Sending two different keys is refused.

## Organisations (tenants)

Operations on CRM data act on one organisation. Name it with the \`X-Tenant-Id\` header (its id,
\`export ${SAMPLE_ENV.tenant}=…\`). A key that may reach exactly one organisation can leave it out.
\`GET /crm/me\` lists the organisations your key may reach.

## Permissions

Each operation names the permission it needs. \`admin\` holds every permission; write never implies read.

| Resource | Read | Write |
| --- | --- | --- |
| All (key management included) | \`${ADMIN_PERMISSION}\` | \`${ADMIN_PERMISSION}\` |
${permissionRows.join('\n')}

## Rate limits

An API key may carry a rate limit (\`rate_limit_per_minute\`, set by an admin; none by default). It
counts every request the key makes, across all instances of the server, in one-minute windows that start
with the key's first request. Every response to such a key carries \`RateLimit-Limit\`,
\`RateLimit-Remaining\`, \`RateLimit-Reset\` (seconds until the window ends) and \`RateLimit-Policy\`
(e.g. \`100;w=60\`). Over the limit the answer is **429 \`rate_limited\`** with \`Retry-After\` in seconds:
wait that long, or pace requests by \`RateLimit-Remaining\`. Refused requests do not extend the window.

## Errors

Every error has the same JSON shape, with a stable \`code\`:

\`\`\`json
{ "error": { "code": "permission_denied", "message": "This key needs the customers:read permission.", "request_id": "…" } }
\`\`\`

| Code | HTTP status | Meaning |
| --- | --- | --- |
${errorRows.join('\n')}
`;
}

/** The whole document, for this server's origin (so Try it out and the samples call this server). */
export function buildOpenApiDocument(
  routes: RouteDoc[],
  origin: string,
  webhooks: WebhookDoc[] = [],
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Map<string, string>();
  for (const route of routes) {
    const tag = tagOf(route);
    tags.set(tag, resourceOfPath(route.path)?.description ?? EXTRA_TAGS[tag] ?? '');
    const item: OpenApiDocument['paths'][string] = (paths[route.path] ??= {});
    for (const method of HTTP_METHODS) {
      const op = route.operations[method];
      if (op) item[method.toLowerCase() as Lowercase<HttpMethod>] = buildOperation(route, method, op, origin);
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'CRM API', version: '1.0.0', description: overview(origin) },
    servers: [{ url: origin, description: 'This server' }],
    tags: [...tags].map(([name, description]) => ({ name, description })),
    paths,
    ...(webhooks.length
      ? {
          webhooks: Object.fromEntries(
            webhooks.map((w) => {
              const schema = jsonSchema(w.body, 'output');
              return [
                w.name,
                {
                  post: {
                    operationId: `webhook${w.name[0].toUpperCase()}${w.name.slice(1)}`,
                    summary: w.summary,
                    description: w.description,
                    tags: ['Webhooks'],
                    parameters: w.headers.map((h) => ({
                      name: h.name,
                      in: 'header',
                      required: true,
                      description: h.description,
                      schema: { type: 'string' },
                      example: h.example,
                    })),
                    requestBody: {
                      required: true,
                      content: { 'application/json': { schema, example: exampleFromSchema(schema) } },
                    },
                    responses: {
                      '2XX': {
                        description: 'Any 2xx acknowledges the delivery; anything else is retried later.',
                      },
                    },
                  },
                },
              ];
            }),
          ),
        }
      : {}),
    components: {
      securitySchemes: {
        ApiKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-KEY',
          description: 'The API key in the `X-API-KEY` header. Paste the whole key, e.g. `sk_live_…`.',
        },
        BearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'sk_live_… or pat_live_…',
          description: 'The same key in the `Authorization` header: `Bearer sk_live_…`.',
        },
      },
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
      headers: RESPONSE_HEADERS,
      examples: Object.fromEntries(
        Object.entries(ERROR_CODES).map(([code, e]) => [
          code,
          {
            summary: `${e.status} ${code}`,
            value: {
              error: {
                code,
                message: e.message,
                request_id: SAMPLE_UUID,
                ...(code === 'validation_failed' ? { fields: { name: ['Enter a name.'] } } : {}),
              },
            },
          },
        ]),
      ),
    },
  };
}

/** Every operation as a row: the API URL list of the management page. */
export type ApiUrl = {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  permission: Permission | null;
  public: boolean;
  tenant: boolean;
  operationId: string;
};

export function listApiUrls(document: OpenApiDocument): ApiUrl[] {
  const rows: ApiUrl[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method.toLowerCase() as Lowercase<HttpMethod>];
      if (!op) continue;
      rows.push({
        method,
        path,
        summary: op.summary,
        tag: op.tags[0],
        permission: op['x-permission'],
        public: op.security.length === 0,
        tenant: op['x-tenant-scoped'],
        operationId: op.operationId,
      });
    }
  }
  return rows;
}
