import { eq, sql } from 'drizzle-orm';
import type { Executor } from './index';
import { apiKeys, apiKeyTenants, organisations, users } from './schema';
import { describeKey, generateKey, hashKey } from '@/lib/keys/format';
import { hashPassword, randomPassword } from '@/lib/auth/password';
import type { Env } from '@/lib/env';

export type SeedCredential = { email: string; password: string; role: string; organisation: string };

const DAY = 24 * 60 * 60 * 1000;

export const DEMO_ACCOUNTS = [
  { email: 'superadmin@acme.example', name: 'Sam Super', role: 'superadmin', org: 'acme' },
  { email: 'admin@acme.example', name: 'Ada Admin', role: 'admin', org: 'acme' },
  { email: 'user@acme.example', name: 'Uma User', role: 'user', org: 'acme' },
  { email: 'admin@globex.example', name: 'Gus Globex', role: 'admin', org: 'globex' },
] as const;

async function isEmpty(db: Executor): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(organisations);
  return Number(row.n) === 0;
}

/**
 * First start: a real install gets its superadmin from ADMIN_EMAIL / ADMIN_PASSWORD; unless DEMO=0 it
 * also gets two demo organisations with an admin, a user and a few keys. Returns the credentials to
 * print once, or null when the database was not empty.
 */
export async function seedIfEmpty(db: Executor, env: Env): Promise<SeedCredential[] | null> {
  return db.transaction(async (tx) => {
    // Serialise concurrent first starts of several instances.
    await tx.execute(sql`select pg_advisory_xact_lock(727275)`);
    if (!(await isEmpty(tx))) return null;
    const credentials: SeedCredential[] = [];
    const demo = env.DEMO !== '0';
    const [acme, globex] = await tx
      .insert(organisations)
      .values(
        demo
          ? [
              { name: 'Acme Telecom', slug: 'acme' },
              { name: 'Globex Networks', slug: 'globex' },
            ]
          : [{ name: 'Default organisation', slug: 'default' }],
      )
      .returning();
    const orgs = { acme, globex } as const;

    const accounts = demo ? [...DEMO_ACCOUNTS] : [{ ...DEMO_ACCOUNTS[0], name: 'Superadmin' }];
    const created: Record<string, string> = {};
    for (const account of accounts) {
      const isSuper = account.role === 'superadmin';
      const email = isSuper && env.ADMIN_EMAIL ? env.ADMIN_EMAIL : account.email;
      const password = (isSuper && env.ADMIN_PASSWORD) || env.DEMO_PASSWORD || randomPassword();
      const org = orgs[account.org] ?? acme;
      const [user] = await tx
        .insert(users)
        .values({
          email,
          name: account.name,
          role: account.role,
          organisationId: org.id,
          passwordHash: await hashPassword(password),
        })
        .returning();
      created[account.email] = user.id;
      credentials.push({ email, password, role: account.role, organisation: org.name });
    }
    if (!demo) return credentials;

    // A few keys so the pages have something to show. Their secrets are thrown away.
    const admin = created['admin@acme.example'];
    const now = Date.now();
    const demoKeys = [
      {
        org: acme,
        name: 'Billing sync',
        description: 'Nightly invoice export to the billing system',
        permissions: ['customers:read', 'customers:write', 'contacts:read'],
        expiresAt: new Date(now + 180 * DAY),
        by: admin,
      },
      {
        org: acme,
        name: 'Analytics dashboard',
        description: 'Read-only feed for the wallboard',
        permissions: ['analytics:read'],
        expiresAt: new Date(now + 20 * DAY),
        by: admin,
      },
      {
        org: acme,
        name: 'Legacy importer',
        description: 'Replaced by Billing sync',
        permissions: ['leads:write'],
        expiresAt: null,
        by: admin,
        status: 'revoked' as const,
      },
      {
        org: globex,
        name: 'Globex ERP',
        description: 'ERP customer sync',
        permissions: ['customers:read'],
        expiresAt: new Date(now + 365 * DAY),
        by: created['admin@globex.example'],
      },
    ];
    for (const k of demoKeys) {
      const secret = generateKey('integration');
      const [key] = await tx
        .insert(apiKeys)
        .values({
          organisationId: k.org.id,
          name: k.name,
          description: k.description,
          keyHash: hashKey(secret),
          ...describeKey(secret),
          permissions: k.permissions,
          expiresAt: k.expiresAt,
          createdByUserId: k.by,
          status: k.status ?? 'active',
          revokedAt: k.status === 'revoked' ? new Date() : null,
        })
        .returning();
      await tx.insert(apiKeyTenants).values({ apiKeyId: key.id, organisationId: k.org.id });
    }
    return credentials;
  });
}

/** `npm run seed` on a database that already has data: new passwords for the demo accounts. */
export async function resetDemoPasswords(db: Executor, env: Env): Promise<SeedCredential[]> {
  const credentials: SeedCredential[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const email = account.role === 'superadmin' && env.ADMIN_EMAIL ? env.ADMIN_EMAIL : account.email;
    const password =
      (account.role === 'superadmin' && env.ADMIN_PASSWORD) || env.DEMO_PASSWORD || randomPassword();
    const updated = await db
      .update(users)
      .set({ passwordHash: await hashPassword(password), updatedAt: new Date() })
      .where(eq(sql`lower(${users.email})`, email.toLowerCase()))
      .returning({ id: users.id });
    if (updated.length) credentials.push({ email, password, role: account.role, organisation: account.org });
  }
  return credentials;
}

export function formatCredentials(credentials: SeedCredential[], baseUrl?: string): string {
  const width = Math.max(...credentials.map((c) => c.email.length));
  const lines = credentials.map(
    (c) => `  ${c.role.padEnd(10)} ${c.email.padEnd(width)}  ${c.password}   (${c.organisation})`,
  );
  return [
    '',
    '┌─ Sign in' +
      (baseUrl ? ` at ${baseUrl}/login` : '') +
      ' with (shown once; `npm run seed` resets them):',
    ...lines,
    '└─',
    '',
  ].join('\n');
}
