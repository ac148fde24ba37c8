/**
 * Is this error the database being out of reach (down, restarting, refusing, timing out), as opposed
 * to a bug or a constraint violation? Those become 503 service_unavailable with Retry-After, never a
 * 500: the client did nothing wrong and may retry in a moment.
 */
const CONNECTION_CODES = new Set([
  // Node's socket errors
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // postgres-js's own
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
]);

/**
 * SQLSTATEs that mean "not now": 08xxx connection exceptions, 57P01–57P03 (shutdown, crash,
 * cannot connect now), 53xxx insufficient resources (too many connections), 57014 (our
 * statement_timeout fired), 55P03 (our lock_timeout fired).
 */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code.startsWith('53') ||
    code === '57014' ||
    code === '55P03'
  );
}

/** Walks the cause chain: drizzle wraps the driver's error in its own (DrizzleQueryError). */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || isUnavailableSqlState(code))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The error's code (SQLSTATE or socket code), looked up along the cause chain: safe to log. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return String(code);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
