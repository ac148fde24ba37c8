import 'server-only';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors';
import { HTTP_METHODS, type HttpMethod, type RouteDoc, type WebhookDoc } from './define';
import { exampleFromSchema, SAMPLE_UUID } from './examples';
import { apiGuide } from './guide';
import { jsonSchema, type JsonSchema } from './json-schema';
import { buildOperation, EXTRA_TAGS, resourceOfPath, tagOf, type OpenApiOperation } from './operation';

/**
 * The OpenAPI 3.1 document of the /crm API, built from what the code itself uses:
 * - which methods a path has, and how each is guarded (key or public, permission, tenant, session):
 *   read from the exported handlers (withKey/withoutKey record their options on the handler);
 * - request and response shapes: the same zod schemas the handlers validate and shape with,
 *   converted by zod's own z.toJSONSchema (OpenAPI 3.1 schemas are JSON Schema 2020-12);
 * - errors: ERROR_CODES, each code with its status; permissions: the permission catalogue.
 * The registry of routes is app/crm/_openapi/routes.ts; a test checks it against the files in app/crm.
 *
 * This module assembles the document; each job is a module of its own beside it: the registry's
 * vocabulary (./define.ts), zod → JSON Schema (./json-schema.ts), one operation (./operation.ts),
 * example values (./examples.ts), the Markdown guide on top (./guide.ts), and the URL list of the
 * management page (./urls.ts).
 */

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

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  webhooks?: Record<string, { post: JsonSchema }>;
  components: JsonSchema;
};

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
    info: { title: 'CRM API', version: '1.0.0', description: apiGuide(origin) },
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
