/**
 * THE application error and its stable codes. Services throw `AppError`; only the edges turn it into
 * something else: the HTTP layer (`lib/api/errors.ts`) into a status and JSON body, the server-action
 * helper into a form state. Codes never change meaning; messages may be reworded.
 */
export const ERROR_MESSAGES = {
  bad_request: 'The request is malformed.',
  invalid_json: 'The request body is not valid JSON.',
  conflicting_credentials: 'X-API-KEY and Authorization name different keys.',
  tenant_required: 'Name the tenant with the X-Tenant-Id header.',
  key_missing: 'Send an API key in X-API-KEY or Authorization: Bearer.',
  key_malformed: 'The API key is malformed.',
  key_invalid: 'The API key is not valid.',
  key_expired: 'The API key has expired.',
  key_disabled: 'The API key is disabled.',
  key_revoked: 'The API key has been revoked.',
  api_access_disabled: "API access is turned off for this organisation's users.",
  unauthenticated: 'Sign in or send an API key.',
  signature_invalid: 'The signature is missing or does not verify.',
  permission_denied: 'The API key lacks the permission this request needs.',
  tenant_forbidden: 'The API key may not reach this tenant.',
  ip_not_allowed: 'The API key may not be used from this IP address.',
  forbidden: 'You are not allowed to do this.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  conflict: 'The request conflicts with the current state.',
  name_taken: 'A key with this name already exists.',
  key_protected: 'This key is protected and cannot be deleted.',
  key_revoked_final: 'A revoked key cannot be changed or re-activated.',
  idempotency_conflict: 'This Idempotency-Key was used with a different request.',
  validation_failed: 'Some fields are invalid.',
  payload_too_large: 'The request body is too large (1 MB at most).',
  too_many_failed_attempts: 'Too many failed key checks from this address; wait before trying again.',
  rate_limited: 'This API key has used its requests for the minute. Retry after the seconds in Retry-After.',
  internal_error: 'Something went wrong on our side.',
  service_unavailable: 'The service is briefly unavailable. Retry after the seconds in Retry-After.',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Field name → messages, as zod reports them (dotted paths, e.g. "permissions.0"). */
export type FieldErrors = Record<string, string[]>;

/** The one error type of the application: services throw it, the HTTP layer and actions render it. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields?: FieldErrors;
  /** For throttles: seconds until a retry can succeed (the HTTP edge sends it as Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    message?: string,
    fields?: FieldErrors,
    options?: { retryAfterSeconds?: number },
  ) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
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
): AppError {
  const fields = fieldErrorsFromZod(issues);
  return new AppError('validation_failed', `Invalid fields: ${Object.keys(fields).join(', ')}.`, fields);
}
