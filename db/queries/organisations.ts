import 'server-only';
import { asc, inArray } from 'drizzle-orm';
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
