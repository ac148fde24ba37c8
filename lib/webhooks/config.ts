import { z } from 'zod';

const flag = z.enum(['0', '1']).optional();
const ms = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600 * 1000)
    .default(fallback);

const schema = z.object({
  WEBHOOKS_ALLOW_PRIVATE: flag,
  WEBHOOKS_WORKER: flag,
  WEBHOOKS_RETRY_BASE_MS: ms(10_000),
  WEBHOOKS_RETRY_MAX_MS: ms(6 * 3600_000),
  WEBHOOKS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(15),
  WEBHOOKS_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(15),
  WEBHOOKS_DISABLE_AFTER_MS: ms(24 * 3600_000),
  WEBHOOKS_POLL_MS: ms(1000),
  WEBHOOKS_TIMEOUT_MS: ms(10_000),
  WEBHOOKS_LEASE_MS: ms(0),
  WEBHOOKS_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(20),
  WEBHOOKS_KEY_SWEEP_MS: ms(60_000),
});

export type WebhookConfig = {
  /** Allow loopback and private receivers (tests, on-premise installs). Link-local and metadata stay refused. */
  allowPrivate: boolean;
  /** Run the delivery worker in this process (default on; WEBHOOKS_WORKER=0 turns it off). */
  workerEnabled: boolean;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts of one delivery before it is given up. */
  maxAttempts: number;
  /** A subscription is switched off after this many failed attempts in a row… */
  disableAfterFailures: number;
  /** …that span at least this long (so a short outage with many events does not switch it off). */
  disableAfterMs: number;
  pollMs: number;
  /** The deadline of one attempt: no answer by then is a failure (the receiver is not waited for longer). */
  timeoutMs: number;
  /**
   * How long a claimed delivery stays invisible to other workers. Past it, another worker (or
   * instance) sends it again: the path after a crash. Always longer than an attempt can take.
   */
  leaseMs: number;
  /** Attempts in flight at once in one instance; a slot freed is refilled at once. */
  concurrency: number;
  /** How often this instance looks for api_key.expiring notices that are due (0: never). */
  keySweepMs: number;
};

/** Webhook settings from the environment (documented in the README), read when needed. */
export function webhookConfig(source: Record<string, string | undefined> = process.env): WebhookConfig {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, source[k] || undefined]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid webhook settings: ${fields}`);
  }
  const e = parsed.data;
  const timeoutMs = Math.max(100, e.WEBHOOKS_TIMEOUT_MS);
  return {
    allowPrivate: e.WEBHOOKS_ALLOW_PRIVATE === '1',
    workerEnabled: e.WEBHOOKS_WORKER !== '0',
    retryBaseMs: e.WEBHOOKS_RETRY_BASE_MS,
    retryMaxMs: e.WEBHOOKS_RETRY_MAX_MS,
    maxAttempts: e.WEBHOOKS_MAX_ATTEMPTS,
    disableAfterFailures: e.WEBHOOKS_DISABLE_AFTER_FAILURES,
    disableAfterMs: e.WEBHOOKS_DISABLE_AFTER_MS,
    pollMs: Math.max(50, e.WEBHOOKS_POLL_MS),
    timeoutMs,
    // Default: twice the deadline and 5 s for the bookkeeping. Never under the deadline plus a second.
    leaseMs: Math.max(e.WEBHOOKS_LEASE_MS || 2 * timeoutMs + 5000, timeoutMs + 1000),
    concurrency: e.WEBHOOKS_CONCURRENCY,
    // 0 switches the sweep off; otherwise at least every second is plenty for a notice days ahead.
    keySweepMs: e.WEBHOOKS_KEY_SWEEP_MS === 0 ? 0 : Math.max(1000, e.WEBHOOKS_KEY_SWEEP_MS),
  };
}

/**
 * Exponential backoff with jitter: base · 2^(attempt−1), capped, then ±20% so that deliveries that
 * failed together (a receiver that was down) do not all come back in the same second.
 * With the defaults: 10 s, 20 s, 40 s … 6 h; 15 attempts span about a day.
 */
export function retryDelayMs(
  attempt: number,
  { retryBaseMs, retryMaxMs }: Pick<WebhookConfig, 'retryBaseMs' | 'retryMaxMs'>,
  random: () => number = Math.random,
): number {
  const exponential = retryBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(exponential, retryMaxMs);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
