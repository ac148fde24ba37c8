import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { organisations, users } from '@/db/schema';
import type { Actor } from '@/lib/actor';

/** Two organisations with an admin each, a user, and a superadmin: the actors of most tests. */
export async function createWorld() {
  const suffix = Math.random().toString(36).slice(2, 8);
  const [a, b] = await db
    .insert(organisations)
    .values([
      { name: `Org A ${suffix}`, slug: `a-${suffix}` },
      { name: `Org B ${suffix}`, slug: `b-${suffix}` },
    ])
    .returning();
  const make = async (org: typeof a, role: 'superadmin' | 'admin' | 'user', label: string) => {
    const [u] = await db
      .insert(users)
      .values({
        organisationId: org.id,
        email: `${label}-${suffix}@test.example`,
        name: label,
        role,
        passwordHash: 'x',
      })
      .returning();
    const actor: Actor = { type: 'user', userId: u.id, organisationId: org.id, role, label: u.email };
    return { user: u, actor };
  };
  return {
    orgA: a,
    orgB: b,
    superadmin: await make(a, 'superadmin', 'super'),
    adminA: await make(a, 'admin', 'admin-a'),
    userA: await make(a, 'user', 'user-a'),
    adminB: await make(b, 'admin', 'admin-b'),
  };
}

export async function setOrganisationApiAccess(organisationId: string, allowed: boolean) {
  await db
    .update(organisations)
    .set({ apiAccessForNonAdmins: allowed })
    .where(eq(organisations.id, organisationId));
}
