import 'server-only';
import type { z } from 'zod';
import type { ErrorCode } from '../errors';

/**
 * The words the route registry (app/crm/_openapi/routes.ts) describes the API in: a route, its
 * operations, the events it sends. ./document.ts builds the OpenAPI document from them.
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
