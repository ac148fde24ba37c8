import 'server-only';
import { asc, eq, inArray } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { organisations } from '@/db/schema';
import type { KeyPolicy } from '@/lib/keys/policy';
import type { OrganisationScope } from './api-keys';

/** Organisations (id and name) within a scope, by name: the choices of a tenant picker. */
export async function listOrganisations({
  scope,
  db = defaultDb,
}: {
  scope: OrganisationScope;
  db?: Executor;
}) {
  const query = db.select({ id: organisations.id, name: organisations.name }).from(organisations);
  if (scope.all) return query.orderBy(asc(organisations.name));
  if (scope.organisationIds.length === 0) return [];
  return query.where(inArray(organisations.id, scope.organisationIds)).orderBy(asc(organisations.name));
}

/** The key policies of some organisations, by id. */
export async function findKeyPolicies({
  organisationIds,
  db = defaultDb,
}: {
  organisationIds: string[];
  db?: Executor;
}): Promise<Map<string, KeyPolicy>> {
  const ids = [...new Set(organisationIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: organisations.id,
      keysMustExpire: organisations.keysMustExpire,
      maxLifetimeDays: organisations.keyMaxLifetimeDays,
    })
    .from(organisations)
    .where(inArray(organisations.id, ids));
  return new Map(
    rows.map((r) => [r.id, { keysMustExpire: r.keysMustExpire, maxLifetimeDays: r.maxLifetimeDays }]),
  );
}

/** Whether an organisation with this id exists (one indexed lookup). */
export async function organisationExists({ id, db = defaultDb }: { id: string; db?: Executor }) {
  const [row] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.id, id))
    .limit(1);
  return Boolean(row);
}
