/**
 * THE error format of the HTTP API: the application's error codes (`lib/errors.ts`) mapped to HTTP.
 * Every error any /crm route returns is
 *   { "error": { "code": "key_revoked", "message": "…", "request_id": "…", "fields"?: {…} } }
 */
import { AppError, ERROR_MESSAGES, type ErrorCode, type FieldErrors } from '@/lib/errors';

/** Each stable code's HTTP status: the only place a code meets HTTP. */
export const HTTP_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  conflicting_credentials: 400,
  tenant_required: 400,
  key_missing: 401,
  key_malformed: 401,
  key_invalid: 401,
  key_expired: 401,
  key_disabled: 401,
  key_revoked: 401,
  api_access_disabled: 401,
  unauthenticated: 401,
  signature_invalid: 401,
  permission_denied: 403,
  tenant_forbidden: 403,
  ip_not_allowed: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  name_taken: 409,
  key_protected: 409,
  key_revoked_final: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  validation_failed: 422,
  too_many_failed_attempts: 429,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

/** Every code with its status and default message: what the OpenAPI document and README list. */
export const ERROR_CODES = Object.fromEntries(
  (Object.keys(ERROR_MESSAGES) as ErrorCode[]).map((code) => [
    code,
    { status: HTTP_STATUS[code], message: ERROR_MESSAGES[code] },
  ]),
) as { [C in ErrorCode]: { status: (typeof HTTP_STATUS)[C]; message: (typeof ERROR_MESSAGES)[C] } };

export type { ErrorCode, FieldErrors };

/** Retry-After of every 503. */
export const RETRY_AFTER_SECONDS = 2;

export function httpStatus(error: AppError): number {
  return HTTP_STATUS[error.code];
}

export type ErrorBody = {
  error: { code: ErrorCode; message: string; request_id: string; fields?: FieldErrors };
};

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      ...(error.fields ? { fields: error.fields } : {}),
    },
  };
}

/** The JSON response for an error; 401s carry WWW-Authenticate as RFC 6750 asks. */
export function errorResponse(error: AppError, requestId: string, headers?: HeadersInit): Response {
  const status = httpStatus(error);
  const h = new Headers(headers);
  h.set('x-request-id', requestId);
  if (status === 401) h.set('www-authenticate', 'Bearer realm="crm"');
  if (error.retryAfterSeconds !== undefined) h.set('retry-after', String(error.retryAfterSeconds));
  // A database outage is short (a restart, a failover): tell clients when to come back.
  if (status === 503 && !h.has('retry-after')) h.set('retry-after', String(RETRY_AFTER_SECONDS));
  return Response.json(errorBody(error, requestId), { status, headers: h });
}
