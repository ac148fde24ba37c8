import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { organisations, users } from '@/db/schema';

export async function findUserByEmail({ email, db = defaultDb }: { email: string; db?: Executor }) {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row ?? null;
}

/** The signed-in user as they are now (role and state are re-read on every request). */
export async function findUserWithOrganisation({ id, db = defaultDb }: { id: string; db?: Executor }) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabledAt: users.disabledAt,
      organisationId: users.organisationId,
      organisationName: organisations.name,
      apiAccessForNonAdmins: organisations.apiAccessForNonAdmins,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}
