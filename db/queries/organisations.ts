import 'server-only';
import { asc, eq, inArray } from 'drizzle-orm';
import { db as defaultDb, type Executor } from '@/db';
import { organisations } from '@/db/schema';
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

/** Whether an organisation with this id exists (one indexed lookup). */
export async function organisationExists({ id, db = defaultDb }: { id: string; db?: Executor }) {
  const [row] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.id, id))
    .limit(1);
  return Boolean(row);
}
