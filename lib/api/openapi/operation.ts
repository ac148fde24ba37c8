import 'server-only';
import { ADMIN_PERMISSION, RESOURCES, type Permission } from '@/lib/permissions';
import { codeSamples, codeSamplesMarkdown } from '../code-samples';
import { ERROR_CODES, type ErrorCode } from '../errors';
import { neededPermission, routeGuard, type RouteGuard } from '../with-key';
import type { HttpMethod, OperationDoc, RouteDoc } from './define';
import { exampleFromSchema } from './examples';
import { jsonSchema, type JsonSchema } from './json-schema';

/**
 * One operation of the document, from its route's guard (read from the exported handler: key or
 * public, permission, tenant, session) and its OperationDoc: parameters, request body, the success
 * response, every error it can answer (grouped by status) and its code samples.
 */

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
  'internal_error',
  // The database out of reach, or a request over its deadline: retry after Retry-After.
  'service_unavailable',
];

const SECURITY_KEY: Record<string, string[]>[] = [{ ApiKeyHeader: [] }, { BearerAuth: [] }];

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

/** "api-keys" → the api_keys resource of the catalogue. */
export function resourceOfPath(path: string): (typeof RESOURCES)[number] | undefined {
  const segment = path.split('/')[2] ?? '';
  return RESOURCES.find((r) => r.id === segment.replace(/-/g, '_'));
}

export const EXTRA_TAGS: Record<string, string> = {
  Identity: 'Who the calling API key is.',
  System: 'Health and this document; no key needed.',
};

export function tagOf(route: RouteDoc): string {
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

function errorResponses(codes: ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const list = byStatus.get(status)!;
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].message}`).join('\n\n'),
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

export function buildOperation(
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
