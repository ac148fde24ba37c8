import 'server-only';
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { ZodError } from 'zod';
import { databaseReadiness } from '@/db/bootstrap';
import { withDeadline } from '@/lib/deadline';
import { getCurrentUser, actorFromUser, contextFromHeaders, type CurrentUser } from '@/lib/auth/session';
import {
  assertHoldsPermission,
  isSameOriginSessionRequest,
  maySessionManageKeys,
  tenantScopeOfUser,
} from '@/lib/access';
import { cachedKeyLookup } from '@/lib/key-check/cache';
import { verifyKey, type KeyFailure, type VerifiedKey } from '@/lib/keys/verify';
import { consume, keyRateLimit, retryAfterSeconds, type LimitResult } from '@/lib/rate-limit';
import { accessForMethod, permission, type Permission, type Resource } from '@/lib/permissions';
import type { Actor, RequestContext } from '@/lib/actor';
import { recordKeyCheck } from '@/lib/services/usage-recorder';
import { noteRotationEnded } from '@/lib/services/key-rotation';
import { assertKeyMayBeUsedFrom } from '@/lib/access';
import { isDatabaseUnavailable } from '@/db/errors';
import { describeError, logError, logger } from '@/lib/log';
import { countKeyCheck, type KeyCheckOutcome } from '@/lib/metrics';
import { readEnv } from '@/lib/env';
import { resolveTenant } from '@/lib/tenants';
import { requireExistingTenant } from '@/lib/services/tenant-exists';
import { appOrigins, presentedKey } from './credentials';
import { requestPath } from './request';
import { AppError, validationError } from '@/lib/errors';
import { errorResponse } from './errors';
import { setRateLimitHeaders } from './rate-limit-headers';
import { constraintViolation } from '@/db/rows';

/** server.mjs stamps every request with its id (always overwritten, like x-crm-peer). */
export const REQUEST_ID_HEADER = 'x-crm-request-id';

let requestDeadlineMs: number | undefined;
const serviceUnavailable = () => new AppError('service_unavailable');

/**
 * The handler (or the rate limit's count), or 503 service_unavailable when it overruns the deadline
 * (REQUEST_DEADLINE_MS): a client is told "retry" in seconds rather than left hanging on a database
 * that does not answer.
 */
function deadline<T>(work: Promise<T> | T): Promise<T> | T {
  if (!(work instanceof Promise)) return work;
  return withDeadline(work, (requestDeadlineMs ??= readEnv().REQUEST_DEADLINE_MS), serviceUnavailable);
}

function outcomeOf(status: number): KeyCheckOutcome {
  if (status >= 500) return 'error';
  if (status === 401 || status === 403) return 'denied';
  if (status === 429) return 'rate_limited';
  return 'success';
}

export type KeyContext<P> = {
  params: P;
  requestId: string;
  /** Who is calling: the key (or, where allowed, a signed-in admin) as an audit actor. */
  actor: Actor;
  /** The verified key; null when a session authorised the request. */
  key: VerifiedKey | null;
  user: CurrentUser | null;
  /** The tenant the request acts on (X-Tenant-Id, or the key's only tenant); set when `tenant` is on. */
  tenantId: string;
  context: RequestContext;
};

export type WithKeyOptions = {
  /** The permission needed; or a resource, whose read/write follows the HTTP method. Omit: any valid key. */
  permission?: Permission;
  resource?: Resource;
  /** The request acts on one tenant (resolved from X-Tenant-Id). */
  tenant?: boolean;
  /** A signed-in admin's session cookie is accepted too (the web app shares these handlers). */
  allowSession?: boolean;
};

type Handler<P> = (request: NextRequest, ctx: KeyContext<P>) => Promise<Response> | Response;

/** How a handler is guarded; the OpenAPI document reads it from the handler itself, so it cannot drift. */
export type RouteGuard =
  | { kind: 'key'; options: WithKeyOptions }
  | { kind: 'public' }
  /** Answers 405 only: not an operation, so the document leaves it out. */
  | { kind: 'method-not-allowed'; allowed: readonly string[] }
  /** Any path under /crm that no route serves: 404 in the API's format, not an operation either. */
  | { kind: 'unknown-path' };

const GUARD = Symbol.for('crm.route-guard');

function withGuard<F extends object>(handler: F, guard: RouteGuard): F {
  Object.defineProperty(handler, GUARD, { value: guard, enumerable: false, configurable: true });
  return handler;
}

/** The guard of an exported route handler; null for a handler not made by withKey/withoutKey. */
export function routeGuard(handler: unknown): RouteGuard | null {
  if (typeof handler !== 'function') return null;
  return (handler as unknown as Record<symbol, RouteGuard | undefined>)[GUARD] ?? null;
}

/** The permission a request needs: the fixed one, or the resource's read/write by HTTP method. */
export function neededPermission(options: WithKeyOptions, method: string): Permission | null {
  return (
    options.permission ?? (options.resource ? permission(options.resource, accessForMethod(method)) : null)
  );
}

/**
 * The wrapper every /crm handler goes through: key check (the authoritative one; the proxy only
 * gates), permission, tenant, error rendering and usage counting, in one place.
 */
export function withKey<P extends Record<string, string | string[]> = Record<string, never>>(
  handler: Handler<P>,
  options: WithKeyOptions = {},
) {
  const guarded = async (request: NextRequest, route: { params: Promise<P> }): Promise<Response> => {
    const started = performance.now();
    // One clock read (Next instruments Date): the key's expiry check and the usage record share it.
    const now = new Date();
    const headers = request.headers;
    const stamped = headers.get(REQUEST_ID_HEADER);
    const requestId = stamped || randomUUID();
    const context = contextFromHeaders(headers);
    let keyId: string | null = null;
    let organisationId: string | null = null;
    let previousSecret = false;
    let checkedKey = false;
    let checkSeconds = 0;
    let reason = 'ok';
    /** The key's rate limit after this request; null for keys without one (and sessions). */
    let limit: LimitResult | null = null;
    let response: Response;
    try {
      // Awaited only until the database is first ready: after that, no promise on the hot path.
      const readiness = databaseReadiness();
      if (readiness) await readiness;
      const presented = presentedKey(headers);
      let key: VerifiedKey | null = null;
      let user: CurrentUser | null = null;
      let actor: Actor;
      if (!presented && options.allowSession) {
        user = await getCurrentUser();
        if (!user) throw new AppError('unauthenticated');
        const sameOrigin = isSameOriginSessionRequest({
          method: request.method,
          origin: headers.get('origin'),
          secFetchSite: headers.get('sec-fetch-site'),
          appOrigins: appOrigins(request),
        });
        if (!sameOrigin) {
          throw new AppError('forbidden', 'Writes with a session cookie must come from this site (Origin).');
        }
        if (!maySessionManageKeys(user)) throw new AppError('forbidden', 'Only admins can manage API keys.');
        actor = actorFromUser(user);
      } else {
        checkedKey = true;
        // A cache hit answers without a promise; only a database lookup is awaited.
        const verifying = verifyKey(presented, cachedKeyLookup, now);
        const result = verifying instanceof Promise ? await verifying : verifying;
        checkSeconds = (performance.now() - started) / 1000;
        if (!result.ok) {
          keyId = result.keyId ?? null;
          if (result.rotationEnded && keyId) noteRotationEnded(keyId);
          throw await failedKeyCheck(result.code, context.ip ?? null);
        }
        key = result.key;
        keyId = key.id;
        organisationId = key.organisationId;
        previousSecret = key.usedPreviousSecret;
        assertKeyMayBeUsedFrom(key, context.ip ?? null);
        // A key without a limit pays one null check here: no await, no store.
        if (key.rateLimitPerMinute) {
          limit = await countKeyRequest(key.id, key.rateLimitPerMinute);
          if (!limit.allowed) throw rateLimited(limit);
        }
        const needed = neededPermission(options, request.method);
        if (needed) assertHoldsPermission(key.permissions, needed);
        actor = {
          type: 'key',
          keyId: key.id,
          organisationId: key.organisationId,
          label: key.visibleId,
          permissions: key.permissions,
          allTenants: key.allTenants,
          tenantIds: key.tenantIds,
          expiresAt: key.expiresAt,
          userId: key.userId,
        };
      }
      const scope = key ?? tenantScopeOfUser(user!);
      const tenantId = options.tenant ? resolveTenant(scope, headers.get('x-tenant-id')) : '';
      if (tenantId) await requireExistingTenant(tenantId);
      // A route without dynamic segments gets no params from Next: nothing to await.
      const params = route.params ? ((await route.params) ?? ({} as P)) : ({} as P);
      response = await deadline(handler(request, { params, requestId, actor, key, user, tenantId, context }));
      // server.mjs has already put its id on the response; outside it (next dev), the wrapper does.
      if (!stamped) response.headers.set('x-request-id', requestId);
    } catch (error) {
      if (error instanceof AppError) reason = error.code;
      else if (isDatabaseUnavailable(error)) reason = 'service_unavailable';
      response = renderError(error, requestId);
    }
    if (limit) setRateLimitHeaders(response.headers, limit, KEY_RATE_WINDOW_SEC);
    const outcome = outcomeOf(response.status);
    if (checkedKey) {
      if (outcome === 'error' && reason === 'ok') reason = 'internal_error';
      if (!checkSeconds) checkSeconds = (performance.now() - started) / 1000;
      countKeyCheck(outcome, reason, checkSeconds);
    }
    if (keyId) {
      // A 5xx is not a successful use: it is logged, and counted in none of the usage counters.
      recordKeyCheck({
        keyId,
        organisationId,
        outcome,
        status: response.status,
        method: request.method,
        path: requestPath(request),
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
        latencyMs: performance.now() - started,
        at: now,
        previousSecret,
      });
    }
    return response;
  };
  return withGuard(guarded, { kind: 'key', options });
}

const KEY_RATE_WINDOW_SEC = keyRateLimit(1).durationSec;

/**
 * One request of a key with `rate_limit_per_minute`, counted in the shared store (PostgreSQL or
 * Redis, so the limit holds across every instance, not per instance). Over the limit: 429
 * rate_limited with Retry-After. The rule is built from the key record of this very request, and an
 * edit evicts that record everywhere (LISTEN/NOTIFY), so a changed limit applies at once. Once a
 * window is used up, this instance refuses the key from memory until it ends (no round trip); if the
 * store fails, the library's insurance limiter counts in memory instead of failing the request.
 * Sessions have no key and so no per-key limit (the web app's own calls).
 */
async function countKeyRequest(keyId: string, perMinute: number): Promise<LimitResult> {
  return deadline(consume(keyRateLimit(perMinute), keyId));
}

function rateLimited(result: LimitResult): AppError {
  return new AppError(
    'rate_limited',
    `This API key allows ${result.limit} requests a minute. Retry after the seconds in Retry-After.`,
    undefined,
    { retryAfterSeconds: retryAfterSeconds(result) },
  );
}

/**
 * A failed key check (malformed, unknown, revoked, expired, disabled…) counts against the client's
 * address: past LIMITS.keyCheckFailures a minute, further failures are 429 too_many_failed_attempts with
 * Retry-After. Only failures touch the limiter — a valid key's check stays a cache hit with no
 * database round trip, so valid keys from the same address keep working. A missing key is no guess.
 */
async function failedKeyCheck(code: KeyFailure, ip: string | null): Promise<AppError> {
  if (code === 'key_missing') return new AppError(code);
  const limit = await consume('keyCheckFailures', ip ?? 'unknown');
  if (limit.allowed) return new AppError(code);
  return new AppError('too_many_failed_attempts', undefined, undefined, {
    retryAfterSeconds: retryAfterSeconds(limit),
  });
}

/**
 * Any thrown value as the API's JSON error. The database out of reach is 503 service_unavailable
 * with Retry-After (the client may retry in a moment), never a 500. A constraint or data error the
 * service's checks did not foresee is still the request's fault: a 4xx. Unknown errors are logged —
 * class, code, request id and a scrubbed message, never parameters (lib/log.ts) — and never shown.
 */
export function renderError(error: unknown, requestId: string): Response {
  if (error instanceof AppError) return errorResponse(error, requestId);
  if (error instanceof ZodError) return errorResponse(validationError(error.issues), requestId);
  if (isDatabaseUnavailable(error)) {
    logger().warn({ request_id: requestId, err: describeError(error) }, 'database unavailable: 503');
    return errorResponse(new AppError('service_unavailable'), requestId);
  }
  const violation = constraintViolation(error);
  if (violation) {
    logger().warn({ request_id: requestId, sqlstate: violation.sqlstate }, 'database refused the request');
    if (violation.sqlstate === '23505') return errorResponse(new AppError('conflict'), requestId);
    return errorResponse(
      new AppError(
        'validation_failed',
        'The request refers to a record that does not exist or holds an invalid value.',
      ),
      requestId,
    );
  }
  logError(error, 'unhandled error in API route', { request_id: requestId });
  return errorResponse(new AppError('internal_error'), requestId);
}

/** For routes that need no key (health, the OpenAPI document): errors in the same format. */
export function withoutKey(handler: (request: NextRequest) => Promise<Response> | Response) {
  const guarded = async (request: NextRequest): Promise<Response> => {
    const requestId = request.headers.get(REQUEST_ID_HEADER) || randomUUID();
    try {
      const response = await handler(request);
      response.headers.set('x-request-id', requestId);
      return response;
    } catch (error) {
      return renderError(error, requestId);
    }
  };
  return withGuard(guarded, { kind: 'public' });
}

/**
 * The other methods of a read-only route: 405 in the API's error format (after the key check, so
 * an anonymous caller still learns nothing but "send a key").
 */
export function methodNotAllowed(allowed: readonly string[]) {
  const handler = withKey((_request, { requestId }) =>
    errorResponse(new AppError('method_not_allowed', `Use ${allowed.join(' or ')}.`), requestId, {
      allow: allowed.join(', '),
    }),
  );
  return withGuard(handler, { kind: 'method-not-allowed', allowed });
}

/**
 * Every method of a path under /crm that no route serves: 404 not_found in the API's JSON error
 * format (not the web app's HTML page), so scripts always get a stable code.
 */
export function unknownApiPath() {
  const handler = withoutKey(() => {
    throw new AppError('not_found', 'No such API path. The API document is at /crm/openapi.json.');
  });
  return withGuard(handler, { kind: 'unknown-path' });
}
