import 'server-only';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { apiKeys, organisations, users, webhooks } from '@/db/schema';
import type { OrganisationScope } from './api-keys';

/** A user's live (not revoked) personal key: at most one exists (api_keys_one_personal_key). */
export async function findLivePersonalKey({
  userId,
  forUpdate = false,
  db = defaultDb,
}: {
  userId: string;
  forUpdate?: boolean;
  db?: Executor;
}) {
  const query = db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.kind, 'personal'), ne(apiKeys.status, 'revoked')))
    .limit(1);
  const [row] = forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

/** Every user in scope with a live personal key, with the number of webhooks on it. */
export async function listLivePersonalKeys({
  scope,
  db = defaultDb,
}: {
  scope: OrganisationScope;
  db?: Executor;
}) {
  return db
    .select({
      key: apiKeys,
      user: { id: users.id, name: users.name, email: users.email, role: users.role },
      organisation: { id: organisations.id, name: organisations.name },
      webhooksCount: sql<number>`(select count(*)::int from ${webhooks} where ${webhooks.apiKeyId} = ${apiKeys.id})`,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
    .where(
      and(
        eq(apiKeys.kind, 'personal'),
        ne(apiKeys.status, 'revoked'),
        scope.all
          ? undefined
          : scope.organisationIds.length
            ? inArray(apiKeys.organisationId, scope.organisationIds)
            : sql`false`,
      ),
    )
    .orderBy(asc(organisations.name), asc(sql`lower(${users.name})`), asc(users.id));
}

export async function findUserInOrganisation({ id, db = defaultDb }: { id: string; db?: Executor }) {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      organisationId: users.organisationId,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

/** Every personal key a user has had (cleared ones too): their webhooks stay visible, switched off. */
export async function findPersonalKeyIds({ userId, db = defaultDb }: { userId: string; db?: Executor }) {
  const rows = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.kind, 'personal')));
  return rows.map((r) => r.id);
}
