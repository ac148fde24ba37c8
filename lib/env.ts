import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATA_DIR: z.string().trim().default('.data'),
  AUTH_SECRET: z.string().min(32).optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  DEMO: z.enum(['0', '1']).default('1'),
  DEMO_PASSWORD: z.string().min(8).optional(),
  /** How often the in-memory usage counters are written to the database, in milliseconds. */
  USAGE_FLUSH_MS: z.coerce.number().int().min(50).max(3_600_000).default(5000),
  /** PostgreSQL: give up connecting after this long (a down database answers 503 within it). */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  /** PostgreSQL: statement_timeout and lock_timeout of the app's sessions. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3000),
  /** The longest a /crm request may take before it is answered 503 service_unavailable. */
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** SIGTERM/SIGINT: drain, flush and exit within this long (under a process manager's grace). */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  /** Bearer token for GET /metrics; unset: /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** Read and validate the environment; fails loudly on start-up rather than half-way through a request. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse({
    ...source,
    AUTH_SECRET: source.AUTH_SECRET || source.NEXTAUTH_SECRET || undefined,
    ADMIN_EMAIL: source.ADMIN_EMAIL || undefined,
    ADMIN_PASSWORD: source.ADMIN_PASSWORD || undefined,
    DEMO_PASSWORD: source.DEMO_PASSWORD || undefined,
    DEMO: source.DEMO || undefined,
    USAGE_FLUSH_MS: source.USAGE_FLUSH_MS || undefined,
    DATABASE_CONNECT_TIMEOUT_MS: source.DATABASE_CONNECT_TIMEOUT_MS || undefined,
    DATABASE_STATEMENT_TIMEOUT_MS: source.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
    DATABASE_LOCK_TIMEOUT_MS: source.DATABASE_LOCK_TIMEOUT_MS || undefined,
    REQUEST_DEADLINE_MS: source.REQUEST_DEADLINE_MS || undefined,
    SHUTDOWN_DEADLINE_MS: source.SHUTDOWN_DEADLINE_MS || undefined,
    METRICS_TOKEN: source.METRICS_TOKEN || undefined,
    LOG_LEVEL: source.LOG_LEVEL || undefined,
  });
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${fields}`);
  }
  return parsed.data;
}

/** The folder that holds the embedded database and the generated auth secret. */
export function dataDir(env: Env = readEnv()): string {
  return path.resolve(env.DATA_DIR);
}
