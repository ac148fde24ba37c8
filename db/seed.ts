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
import { visibleIdentifier } from '@/lib/keys/format';
import { issueSecret } from '@/lib/keys/issue';
import { seedDemoAudit, seedDemoUsage, type DemoKey } from './seed-history';
import { hashPassword, randomPassword } from '@/lib/auth/password';
import type { Env } from '@/lib/env';

export type SeedCredential = { email: string; password: string; role: string; organisation: string };

const DAY = 24 * 60 * 60 * 1000;

/** The demo organisations by slug. */
const DEMO_ORGANISATIONS = { acme: 'Acme Telecom', globex: 'Globex Networks' } as const;

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
              { name: DEMO_ORGANISATIONS.acme, slug: 'acme' },
              { name: DEMO_ORGANISATIONS.globex, slug: 'globex' },
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

    const admin = created['admin@acme.example'];
    const now = Date.now();
    // A few keys with a past: created weeks ago, used (or not) since, one edited, one regenerated, one
    // revoked. Their secrets are thrown away.
    const globexAdmin = created['admin@globex.example'];
    const office = { pattern: 'office', denied: 0.02, rateLimited: 0.01 } as const;
    const demoKeys = [
      {
        org: acme,
        name: 'Billing sync',
        description: 'Nightly invoice export to the billing system',
        permissions: ['customers:read', 'customers:write', 'contacts:read'],
        expiresAt: new Date(now + 180 * DAY),
        by: admin,
        daysAgo: 64,
        usage: { ...office, load: 90, path: '/crm/customers', userAgent: 'billing-sync/2.4 (node)' },
      },
      {
        org: acme,
        name: 'Analytics dashboard',
        description: 'Read-only feed for the wallboard',
        permissions: ['analytics:read'],
        expiresAt: new Date(now + 20 * DAY),
        by: admin,
        daysAgo: 41,
        usage: {
          pattern: 'steady' as const,
          load: 24,
          denied: 0.01,
          rateLimited: 0.03,
          path: '/crm/analytics/summary',
          userAgent: 'curl/8.5.0',
        },
      },
      {
        org: acme,
        name: 'Partner portal',
        description: 'Lead intake from the reseller portal; a misconfigured tenant causes some 403s',
        permissions: ['leads:read', 'leads:write'],
        expiresAt: new Date(now + 300 * DAY),
        by: admin,
        daysAgo: 33,
        usage: { ...office, load: 12, denied: 0.08, path: '/crm/leads', userAgent: 'python-requests/2.32' },
      },
      {
        org: acme,
        name: 'Webhook relay',
        description: 'Set up for the helpdesk, never connected',
        permissions: ['contacts:read'],
        expiresAt: new Date(now + 120 * DAY),
        by: admin,
        daysAgo: 52,
        usage: null,
      },
      {
        org: acme,
        name: 'Legacy importer',
        description: 'Replaced by Billing sync',
        permissions: ['leads:write'],
        expiresAt: null,
        by: admin,
        daysAgo: 200,
        status: 'revoked' as const,
        usage: null,
      },
      {
        org: globex,
        name: 'Globex ERP',
        description: 'ERP customer sync',
        permissions: ['customers:read'],
        expiresAt: new Date(now + 365 * DAY),
        by: globexAdmin,
        daysAgo: 47,
        usage: { ...office, load: 40, path: '/crm/customers', userAgent: 'globex-erp/7.1' },
      },
    ];
    const inserted: Record<string, { id: string; name: string; visibleId: string; organisationId: string }> =
      {};
    const usage: DemoKey[] = [];
    for (const k of demoKeys) {
      const { columns } = issueSecret('integration');
      const createdAt = new Date(now - k.daysAgo * DAY);
      const [key] = await tx
        .insert(apiKeys)
        .values({
          organisationId: k.org.id,
          name: k.name,
          description: k.description,
          ...columns,
          permissions: k.permissions,
          expiresAt: k.expiresAt,
          createdByUserId: k.by,
          status: k.status ?? 'active',
          revokedAt: k.status === 'revoked' ? new Date(now - 25 * DAY) : null,
          createdAt,
          updatedAt: createdAt,
        })
        .returning();
      await tx.insert(apiKeyTenants).values({ apiKeyId: key.id, organisationId: k.org.id });
      inserted[k.name] = {
        id: key.id,
        name: key.name,
        visibleId: visibleIdentifier(key),
        organisationId: k.org.id,
      };
      if (k.usage) usage.push({ ...inserted[k.name], ...k.usage });
    }
    await seedDemoUsage(tx, usage, now);
    const ada = { id: admin, email: 'admin@acme.example' };
    const gus = { id: globexAdmin, email: 'admin@globex.example' };
    const event = (
      name: string,
      daysAgo: number,
      action: string,
      changes?: Record<string, { before: unknown; after: unknown }>,
    ) => {
      const key = inserted[name];
      return {
        daysAgo,
        actor: key.organisationId === globex.id ? gus : ada,
        action,
        organisationId: key.organisationId,
        key,
        changes,
      };
    };
    await seedDemoAudit(
      tx,
      [
        ...demoKeys.map((k) =>
          event(k.name, k.daysAgo, 'key.created', {
            name: { before: null, after: k.name },
            permissions: { before: null, after: k.permissions },
            tenants: { before: null, after: [k.org.id] },
          }),
        ),
        event('Billing sync', 30, 'key.updated', {
          permissions: {
            before: ['customers:read', 'customers:write'],
            after: ['customers:read', 'customers:write', 'contacts:read'],
          },
        }),
        event('Legacy importer', 25, 'key.revoked', { status: { before: 'active', after: 'revoked' } }),
        event('Billing sync', 9, 'key.regenerated'),
        event('Globex ERP', 3, 'key.updated', {
          description: { before: 'ERP sync', after: 'ERP customer sync' },
        }),
      ],
      now,
    );
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
    if (updated.length)
      credentials.push({
        email,
        password,
        role: account.role,
        organisation: DEMO_ORGANISATIONS[account.org],
      });
  }
  return credentials;
}

export function formatCredentials(credentials: SeedCredential[], baseUrl?: string): string {
  const width = Math.max(...credentials.map((c) => c.email.length));
  const lines = credentials.map(
    (c) => `  ${c.role.padEnd(10)} ${c.email.padEnd(width)}  ${c.password}   (${c.organisation})`,
  );
  const organisations = [...new Set(credentials.map((c) => c.organisation))].join(', ');
  return [
    '',
    '┌─ Sign in' +
      (baseUrl ? ` at ${baseUrl}/login` : '') +
      ' with (shown once; `npm run seed` resets them):',
    ...lines,
    `│  Organisations: ${organisations}`,
    '└─',
    '',
  ].join('\n');
}
