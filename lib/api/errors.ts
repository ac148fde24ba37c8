/**
 * THE error format of the HTTP API, and its stable codes. Every error any /crm route returns is
 *   { "error": { "code": "key_revoked", "message": "…", "request_id": "…", "fields"?: {…} } }
 * Codes never change meaning; messages may be reworded.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  conflicting_credentials: { status: 400, message: 'X-API-KEY and Authorization name different keys.' },
  tenant_required: { status: 400, message: 'Name the tenant with the X-Tenant-Id header.' },
  key_missing: { status: 401, message: 'Send an API key in X-API-KEY or Authorization: Bearer.' },
  key_malformed: { status: 401, message: 'The API key is malformed.' },
  key_invalid: { status: 401, message: 'The API key is not valid.' },
  key_expired: { status: 401, message: 'The API key has expired.' },
  key_disabled: { status: 401, message: 'The API key is disabled.' },
  key_revoked: { status: 401, message: 'The API key has been revoked.' },
  api_access_disabled: { status: 401, message: "API access is turned off for this organisation's users." },
  unauthenticated: { status: 401, message: 'Sign in or send an API key.' },
  permission_denied: { status: 403, message: 'The API key lacks the permission this request needs.' },
  tenant_forbidden: { status: 403, message: 'The API key may not reach this tenant.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  name_taken: { status: 409, message: 'A key with this name already exists.' },
  key_protected: { status: 409, message: 'This key is protected and cannot be deleted.' },
  key_revoked_final: { status: 409, message: 'A revoked key cannot be changed or re-activated.' },
  idempotency_conflict: { status: 409, message: 'This Idempotency-Key was used with a different request.' },
  validation_failed: { status: 422, message: 'Some fields are invalid.' },
  rate_limited: { status: 429, message: 'Too many requests.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  database_unavailable: { status: 503, message: 'The database is unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Field name → messages, as zod reports them (dotted paths, e.g. "permissions.0"). */
export type FieldErrors = Record<string, string[]>;

/** The one error type of the application: services throw it, the HTTP layer and actions render it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: FieldErrors;

  constructor(code: ErrorCode, message?: string, fields?: FieldErrors) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.fields = fields;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** zod's issues as { field: [messages] }; the root becomes "_". */
export function fieldErrorsFromZod(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

export function validationError(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): ApiError {
  const fields = fieldErrorsFromZod(issues);
  return new ApiError('validation_failed', `Invalid fields: ${Object.keys(fields).join(', ')}.`, fields);
}

export type ErrorBody = {
  error: { code: ErrorCode; message: string; request_id: string; fields?: FieldErrors };
};

export function errorBody(error: ApiError, requestId: string): ErrorBody {
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
export function errorResponse(error: ApiError, requestId: string, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set('x-request-id', requestId);
  if (error.status === 401) h.set('www-authenticate', 'Bearer realm="crm"');
  return Response.json(errorBody(error, requestId), { status: error.status, headers: h });
}
