import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import { errorCode } from '@/db/errors';
import { processSingleton } from '@/lib/process-singleton';

/**
 * THE logger: JSON lines on stdout (pino), one object per line with `level`, `time`, `msg`, and the
 * request id of the request being served (`request_id`, from the request store server.mjs opens per
 * request). LOG_LEVEL chooses the level (default info).
 *
 * Nothing secret may reach a log, whoever calls this: every line is scrubbed on its way out.
 * - Values under names that hold secrets or data (password, secret, token, authorization, cookie,
 *   api key, body, query, parameters, params…) are replaced by "[redacted]".
 * - Any string that looks like an API key (sk_live_…, pat_live_…), a webhook signing secret
 *   (whsec_…) or a bearer credential is masked wherever it appears, messages included.
 * - Errors are logged as class, code and a scrubbed message only: no stack, no query text, no query
 *   parameters (postgres-js and drizzle attach both to their errors), no quoted values.
 */
const SECRET_NAME =
  /pass(word)?|secret|token|authori[sz]ation|cookie|api[-_]?key|credential|^body$|^query$|^params$|^parameters$|^args$|^headers$/i;
const SECRET_VALUE =
  /((?:sk|pat)_(?:live|test)_|whsec_)[A-Za-z0-9_-]*|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\b[0-9a-f]{40,}\b/gi;

/** Mask anything in a string that looks like a key, a signing secret, a credential or a key's hash. */
export function scrub(text: string): string {
  return text.replace(SECRET_VALUE, (_match, prefix?: string, scheme?: string) =>
    prefix ? `${prefix}[redacted]` : scheme ? `${scheme} [redacted]` : '[hash]',
  );
}

type RequestStore = { requestId: string };
/**
 * The per-request store; server.mjs runs every request inside it (the same instance: it opens
 * `crm.request-store` by name, see lib/process-singleton.ts).
 */
export function requestStore(): AsyncLocalStorage<RequestStore> {
  return processSingleton('request-store', () => new AsyncLocalStorage<RequestStore>());
}

/** The current request's id (from server.mjs), if there is one. */
export function currentRequestId(): string | undefined {
  return requestStore().getStore()?.requestId;
}

/** The parts of an error that are safe to log. */
export function describeError(error: unknown): { type: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: '[non-error thrown]' };
  const code = errorCode(error);
  // drizzle's DrizzleQueryError carries the query and its parameters in its message: take the
  // driver's message instead. PostgreSQL's messages may quote values ("invalid input syntax for
  // type uuid: \"…\""): quoted parts are dropped.
  const source =
    (error as { query?: unknown }).query !== undefined && error.cause instanceof Error ? error.cause : error;
  let message = scrub(source.message);
  if (code && /^[0-9A-Z]{5}$/.test(code)) message = message.replace(/"[^"]*"|'[^']*'/g, '"…"');
  if (message.length > 300) message = `${message.slice(0, 300)}…`;
  return { type: error.constructor?.name || error.name, ...(code ? { code } : {}), message };
}

const keepShaped = (value: unknown) => (value instanceof Error ? describeError(value) : value);

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value instanceof Error) return describeError(value);
  if (!value || typeof value !== 'object') return value;
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_NAME.test(k) ? '[redacted]' : clean(v, depth + 1);
  return out;
}

/** The logger's configuration; `destination` for tests (default: stdout). */
export function createLogger(destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: process.env.LOG_LEVEL || 'info',
    base: { pid: process.pid },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => clean(object, 0) as Record<string, unknown>,
    },
    // The formatter above already shaped errors (describeError); pino's own err serializer would
    // copy every enumerable field of an error, query and parameters included.
    serializers: { err: keepShaped, error: keepShaped },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { request_id: requestId } : {};
    },
    hooks: {
      // Messages are scrubbed too ("failed for sk_live_…" never gets out).
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** One logger per process (route handlers and instrumentation are bundled apart). */
export function logger(): Logger {
  return processSingleton('logger', () => createLogger());
}

/** An unexpected error: class, code, request id and a scrubbed message, at level error. */
export function logError(error: unknown, msg: string, fields: Record<string, unknown> = {}): void {
  logger().error({ ...fields, err: describeError(error) }, msg);
}
