import { eq, sql } from 'drizzle-orm';
import type { Executor } from './index';
import {
  agents,
  apiKeys,
  apiKeyTenants,
  calls,
  contacts,
  customers,
  integrations,
  inventoryItems,
  knowledgeBaseArticles,
  leads,
  organisations,
  provisioningRequests,
  services,
  users,
} from './schema';
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
    await seedDemoRecords(tx, acme.id, 'Acme');
    await seedDemoRecords(tx, globex.id, 'Globex');
    return credentials;
  });
}

/** A few CRM records per demo organisation, so the HTTP API has something to return. */
async function seedDemoRecords(tx: Executor, organisationId: string, label: string) {
  const slug = label.toLowerCase();
  const [first, second] = await tx
    .insert(customers)
    .values([
      { organisationId, name: `${label} Hospital`, email: `it@hospital.${slug}.example`, status: 'active' },
      {
        organisationId,
        name: `${label} Logistics`,
        email: `ops@logistics.${slug}.example`,
        status: 'prospect',
      },
    ])
    .returning();
  const [contact] = await tx
    .insert(contacts)
    .values([
      { organisationId, customerId: first.id, firstName: 'Grace', lastName: 'Hopper', title: 'CIO' },
      { organisationId, customerId: second.id, firstName: 'Alan', lastName: 'Turing', title: 'Head of Ops' },
    ])
    .returning();
  await tx.insert(leads).values([
    {
      organisationId,
      name: 'Edsger Dijkstra',
      company: `${label} Shipping`,
      status: 'new',
      valueCents: 1_200_000,
    },
    {
      organisationId,
      name: 'Barbara Liskov',
      company: `${label} Clinics`,
      status: 'qualified',
      valueCents: 450_000,
    },
  ]);
  await tx.insert(calls).values([
    {
      organisationId,
      customerId: first.id,
      contactId: contact.id,
      direction: 'inbound',
      phone: '+44 20 7946 0001',
      durationSeconds: 312,
    },
    {
      organisationId,
      customerId: second.id,
      direction: 'outbound',
      phone: '+44 20 7946 0002',
      outcome: 'voicemail',
    },
  ]);
  const [fibre, sip] = await tx
    .insert(services)
    .values([
      {
        organisationId,
        customerId: first.id,
        name: 'Fibre 1 Gbit/s',
        plan: 'business-1000',
        status: 'active',
        monthlyPriceCents: 49_900,
        startedAt: new Date(),
      },
      {
        organisationId,
        customerId: second.id,
        name: 'SIP trunk',
        plan: 'sip-30',
        status: 'pending',
        monthlyPriceCents: 12_000,
      },
    ])
    .returning();
  await tx.insert(provisioningRequests).values([
    { organisationId, serviceId: fibre.id, customerId: first.id, action: 'activate', state: 'completed' },
    { organisationId, serviceId: sip.id, customerId: second.id, action: 'activate', state: 'pending' },
  ]);
  await tx.insert(agents).values([
    { organisationId, name: 'Katherine Johnson', email: `katherine@${slug}.example`, team: 'Support' },
    {
      organisationId,
      name: 'Dorothy Vaughan',
      email: `dorothy@${slug}.example`,
      team: 'Sales',
      status: 'away',
    },
  ]);
  await tx.insert(knowledgeBaseArticles).values([
    {
      organisationId,
      title: 'Restarting a Wi-Fi 6 router',
      body: 'Hold the reset button for ten seconds, then wait for the light to turn green.',
      tags: ['router', 'wifi'],
      published: true,
    },
    {
      organisationId,
      title: 'Porting a number to a SIP trunk',
      body: 'Draft: the steps and the documents the customer must send.',
      tags: ['sip', 'porting'],
    },
  ]);
  await tx.insert(integrations).values([
    {
      organisationId,
      name: `${label} billing`,
      kind: 'billing',
      settings: { region: 'eu-west', currency: 'EUR' },
    },
    {
      organisationId,
      name: 'Phone system',
      kind: 'telephony',
      settings: { extension_prefix: '4' },
      enabled: false,
    },
  ]);
  await tx.insert(inventoryItems).values([
    { organisationId, sku: 'RTR-AX3000', name: 'Wi-Fi 6 router', quantity: 40, location: 'Warehouse A' },
    { organisationId, sku: 'SIM-5G', name: '5G SIM card', quantity: 500, location: 'Warehouse A' },
  ]);
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
