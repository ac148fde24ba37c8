import 'server-only';
import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { apiKeys, apiKeyTenants, organisations, users, type ApiKey } from '@/db/schema';
import { db as defaultDb, type Executor } from '@/db';
import type { ListApiKeysInput } from '@/lib/validation/api-keys';

/** Which organisations' keys a caller may see. */
export type OrganisationScope = { all: true } | { all: false; organisationIds: string[] };

const DAY_MS = 24 * 60 * 60 * 1000;

function scopeCondition(scope: OrganisationScope): SQL | undefined {
  if (scope.all) return undefined;
  if (scope.organisationIds.length === 0) return sql`false`;
  return inArray(apiKeys.organisationId, scope.organisationIds);
}

function statusCondition(status: ListApiKeysInput['status'], now: Date): SQL | undefined {
  const soon = new Date(now.getTime() + 30 * DAY_MS);
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const notExpired = or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now));
  switch (status) {
    case 'active':
      return and(eq(apiKeys.status, 'active'), notExpired);
    case 'expiring_soon':
      return and(eq(apiKeys.status, 'active'), gt(apiKeys.expiresAt, now), lte(apiKeys.expiresAt, soon));
    case 'expired':
      return and(eq(apiKeys.status, 'active'), lte(apiKeys.expiresAt, now));
    case 'disabled':
      return eq(apiKeys.status, 'disabled');
    case 'revoked':
      return eq(apiKeys.status, 'revoked');
    case 'unused':
      // Stale keys: still usable, and not used (or never used) for 30 days.
      return and(
        eq(apiKeys.status, 'active'),
        notExpired,
        or(
          lte(apiKeys.lastUsedAt, monthAgo),
          and(isNull(apiKeys.lastUsedAt), lte(apiKeys.createdAt, monthAgo)),
        ),
      );
    case 'current':
      // Still in service: active (expiring or not) or temporarily disabled.
      return or(eq(apiKeys.status, 'disabled'), and(eq(apiKeys.status, 'active'), notExpired));
    case 'ended':
      // Kept for audit: revoked, or past their expiry date.
      return or(
        eq(apiKeys.status, 'revoked'),
        and(eq(apiKeys.status, 'active'), lte(apiKeys.expiresAt, now)),
      );
    default:
      return undefined;
  }
}

function escapeLike(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const creators = alias(users, 'creators');

/** One page of an organisation scope's integration keys, filtered, searched and sorted in SQL. */
export async function listApiKeys({
  scope,
  filter,
  now = new Date(),
  db = defaultDb,
}: {
  scope: OrganisationScope;
  filter: ListApiKeysInput;
  now?: Date;
  db?: Executor;
}) {
  const pattern = `%${escapeLike(filter.q)}%`;
  const where = and(
    eq(apiKeys.kind, 'integration'),
    scopeCondition(scope),
    statusCondition(filter.status, now),
    filter.q
      ? or(
          sql`${apiKeys.name} ilike ${pattern}`,
          sql`${apiKeys.description} ilike ${pattern}`,
          sql`(${apiKeys.prefix} || '…' || ${apiKeys.lastFour}) ilike ${pattern}`,
          sql`(${apiKeys.prefix} || ${apiKeys.lastFour}) ilike ${pattern}`,
        )
      : undefined,
  );
  const dir = filter.order === 'asc' ? asc : desc;
  const nulls = filter.order === 'asc' ? sql`nulls first` : sql`nulls last`;
  const orderBy: SQL[] = (() => {
    switch (filter.sort) {
      case 'name':
        return [dir(sql`lower(${apiKeys.name})`)];
      case 'expires':
        return [sql`${apiKeys.expiresAt} ${sql.raw(filter.order)} ${nulls}`];
      case 'last_used':
        return [sql`${apiKeys.lastUsedAt} ${sql.raw(filter.order)} ${nulls}`];
      case 'created_by':
        return [sql`lower(${creators.name}) ${sql.raw(filter.order)} ${nulls}`];
      default:
        return [dir(apiKeys.createdAt)];
    }
  })();

  const [rows, [{ count }]] = await Promise.all([
    db
      .select({ key: apiKeys, creator: { id: creators.id, name: creators.name, email: creators.email } })
      .from(apiKeys)
      .leftJoin(creators, eq(creators.id, apiKeys.createdByUserId))
      .where(where)
      .orderBy(...orderBy, dir(apiKeys.id))
      .limit(filter.limit)
      .offset((filter.page - 1) * filter.limit),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(apiKeys)
      .leftJoin(creators, eq(creators.id, apiKeys.createdByUserId))
      .where(where),
  ]);
  return { rows, total: Number(count) };
}

/** Counts for the summary widgets, in one pass. */
export async function summariseApiKeys({
  scope,
  now = new Date(),
  db = defaultDb,
}: {
  scope: OrganisationScope;
  now?: Date;
  db?: Executor;
}) {
  // Raw fragments get ISO strings: postgres-js does not serialise Date parameters outside columns.
  const at = now.toISOString();
  const soon = new Date(now.getTime() + 30 * DAY_MS).toISOString();
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      active: sql<number>`count(*) filter (where ${apiKeys.status} = 'active' and (${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > ${at}))::int`,
      expiringSoon: sql<number>`count(*) filter (where ${apiKeys.status} = 'active' and ${apiKeys.expiresAt} > ${at} and ${apiKeys.expiresAt} <= ${soon})::int`,
      expired: sql<number>`count(*) filter (where ${apiKeys.status} = 'active' and ${apiKeys.expiresAt} <= ${at})::int`,
      disabled: sql<number>`count(*) filter (where ${apiKeys.status} = 'disabled')::int`,
      revoked: sql<number>`count(*) filter (where ${apiKeys.status} = 'revoked')::int`,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.kind, 'integration'), scopeCondition(scope)));
  return {
    total: Number(row.total),
    active: Number(row.active),
    expiringSoon: Number(row.expiringSoon),
    expired: Number(row.expired),
    disabled: Number(row.disabled),
    revoked: Number(row.revoked),
  };
}

/** The allowed tenants of some keys, with the organisations' names. */
export async function findKeyTenants({ keyIds, db = defaultDb }: { keyIds: string[]; db?: Executor }) {
  if (keyIds.length === 0) return new Map<string, { id: string; name: string }[]>();
  const rows = await db
    .select({ keyId: apiKeyTenants.apiKeyId, id: organisations.id, name: organisations.name })
    .from(apiKeyTenants)
    .innerJoin(organisations, eq(organisations.id, apiKeyTenants.organisationId))
    .where(inArray(apiKeyTenants.apiKeyId, keyIds))
    .orderBy(asc(organisations.name));
  const map = new Map<string, { id: string; name: string }[]>();
  for (const r of rows) {
    const list = map.get(r.keyId) ?? [];
    list.push({ id: r.id, name: r.name });
    map.set(r.keyId, list);
  }
  return map;
}

/** One key by id within a scope, with its creator; locked for update when inside a transaction that asks. */
export async function findApiKeyById({
  id,
  scope,
  kind = 'integration',
  forUpdate = false,
  db = defaultDb,
}: {
  id: string;
  scope: OrganisationScope;
  kind?: ApiKey['kind'];
  forUpdate?: boolean;
  db?: Executor;
}) {
  const query = db
    .select({ key: apiKeys, creator: { id: creators.id, name: creators.name, email: creators.email } })
    .from(apiKeys)
    .leftJoin(creators, eq(creators.id, apiKeys.createdByUserId))
    .where(and(eq(apiKeys.id, id), eq(apiKeys.kind, kind), scopeCondition(scope)))
    .limit(1);
  const [row] = forUpdate ? await query.for('update', { of: apiKeys }) : await query;
  return row ?? null;
}

export async function isKeyNameTaken({
  organisationId,
  name,
  exceptId,
  db = defaultDb,
}: {
  organisationId: string;
  name: string;
  exceptId?: string;
  db?: Executor;
}) {
  const [row] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.organisationId, organisationId),
        eq(apiKeys.kind, 'integration'),
        sql`lower(${apiKeys.name}) = lower(${name})`,
        exceptId ? ne(apiKeys.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** Keys reported leaked since `since`, newest first: the integration keys of a scope, or one user's personal keys. */
export async function findLeakedKeys({
  scope,
  userId,
  since,
  db = defaultDb,
}: {
  scope: OrganisationScope;
  userId?: string;
  since: Date;
  db?: Executor;
}) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      kind: apiKeys.kind,
      prefix: apiKeys.prefix,
      lastFour: apiKeys.lastFour,
      leakedAt: apiKeys.leakedAt,
      leakedUrl: apiKeys.leakedUrl,
    })
    .from(apiKeys)
    .where(
      and(
        scopeCondition(scope),
        userId
          ? and(eq(apiKeys.kind, 'personal'), eq(apiKeys.userId, userId))
          : eq(apiKeys.kind, 'integration'),
        gt(apiKeys.leakedAt, since),
      ),
    )
    .orderBy(desc(apiKeys.leakedAt))
    .limit(20);
}
