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
