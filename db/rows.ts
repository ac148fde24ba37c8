/** db.execute() returns an array on postgres-js and { rows } on PGlite: one place to smooth that over. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Unique-constraint violation (SQLSTATE 23505) on either driver, possibly wrapped by drizzle. */
export function uniqueViolation(error: unknown): string | null {
  let e = error as
    { code?: string; constraint_name?: string; constraint?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 3; depth++) {
    if (e.code === '23505') return e.constraint_name ?? e.constraint ?? '';
    e = e.cause as typeof e;
  }
  return null;
}

/**
 * A database error the request caused (SQLSTATE class 22, data exception, or 23, integrity constraint
 * violation) on either driver, possibly wrapped by drizzle: its code and constraint. The HTTP edge turns
 * these into 4xx; nothing of the error (its query, its parameters) is shown or logged.
 */
export function constraintViolation(error: unknown): { sqlstate: string; constraint: string } | null {
  let e = error as
    { code?: string; constraint_name?: string; constraint?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 3; depth++) {
    if (typeof e.code === 'string' && /^2[23][0-9A-Z]{3}$/.test(e.code)) {
      return { sqlstate: e.code, constraint: e.constraint_name ?? e.constraint ?? '' };
    }
    e = e.cause as typeof e;
  }
  return null;
}
