import 'server-only';
import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lte,
  ne,
  notInArray,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { apiKeys, apiKeyTenants, organisations, users, type ApiKey } from '@/db/schema';
import { db as defaultDb, type Executor } from '@/db';
import type { ListApiKeysInput } from '@/lib/validation/api-keys';
import { keyStatusConditions } from './key-status';

/** Which organisations' records a caller may see (built by lib/access.ts organisationScope). */
export type OrganisationScope = { all: true } | { all: false; organisationIds: string[] };

/**
 * The keys an actor reaches (built by lib/access.ts keyScope, rule 2; the policy decides, this
 * module only turns the decision into SQL).
 */
export type KeyScope = {
  /** Owning organisations: every one, or these. */
  organisationIds: 'all' | string[];
  /**
   * Allowed tenants of visible keys: any (all-tenants keys included); 'own': no tenant but the key's
   * own organisation (never all tenants); or only within these.
   */
  tenantIds: 'any' | 'own' | string[];
  /** Permissions of visible keys: any, or only these (a key actor without admin). */
  permissions: 'any' | string[];
  /** Visible keys must expire no later than this (a key actor that expires); null: no bound. */
  expiresNoLaterThan: Date | null;
};

/**
 * The access policy's key scope (lib/access.ts keyScope, rule 2) as SQL: the same four conditions
 * `keyInScope` tests on one key, so a list shows exactly the keys a single-key operation reaches.
 */
export function keyScopeCondition(scope: KeyScope): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (scope.organisationIds !== 'all') {
    if (scope.organisationIds.length === 0) return sql`false`;
    conditions.push(inArray(apiKeys.organisationId, scope.organisationIds));
  }
  if (scope.tenantIds === 'own') {
    // The maintained reach column (db/schema/api-keys.ts): an index range, not an anti-join per key.
    conditions.push(eq(apiKeys.reach, 'own'));
  } else if (scope.tenantIds !== 'any') {
    conditions.push(eq(apiKeys.allTenants, false));
    conditions.push(
      scope.tenantIds.length === 0
        ? sql`not exists (select 1 from ${apiKeyTenants} where ${apiKeyTenants.apiKeyId} = ${apiKeys.id})`
        : sql`not exists (select 1 from ${apiKeyTenants} where ${apiKeyTenants.apiKeyId} = ${apiKeys.id} and ${notInArray(apiKeyTenants.organisationId, scope.tenantIds)})`,
    );
  }
  if (scope.permissions !== 'any') {
    // Every permission of the key is one the actor holds (text[] containment).
    conditions.push(
      sql`${apiKeys.permissions} <@ ${sql`array[${sql.join(
        scope.permissions.map((p) => sql`${p}`),
        sql`, `,
      )}]::text[]`}`,
    );
  }
  if (scope.expiresNoLaterThan) {
    conditions.push(isNotNull(apiKeys.expiresAt), lte(apiKeys.expiresAt, scope.expiresNoLaterThan));
  }
  return conditions.length ? and(...conditions) : undefined;
}

function statusCondition(status: ListApiKeysInput['status'], now: Date): SQL | undefined {
  const c = keyStatusConditions(now);
  switch (status) {
    case 'active':
      // The "Active" filter and widget: every key that works today, expiring soon or not.
      return c.usable;
    case 'expiring_soon':
    case 'expired':
    case 'disabled':
    case 'revoked':
      return c.display[status];
    case 'unused':
      return c.unused;
    case 'current':
      return c.current;
    case 'ended':
      return c.ended;
    default:
      return undefined;
  }
}

function escapeLike(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const creators = alias(users, 'creators');

/** Where the next page starts: the sort value (as PostgreSQL's text) and id of the last row shown. */
export type ListPosition = { value: string | null; id: string };

/** The sort expression of a list order, and the SQL type its cursor value is read back as. */
function sortExpression(sort: ListApiKeysInput['sort']): { expr: SQL; type: SQL; nullable: boolean } {
  switch (sort) {
    case 'name':
      return { expr: sql`lower(${apiKeys.name})`, type: sql`text`, nullable: false };
    case 'expires':
      return { expr: sql`${apiKeys.expiresAt}`, type: sql`timestamptz`, nullable: true };
    case 'last_used':
      return { expr: sql`${apiKeys.lastUsedAt}`, type: sql`timestamptz`, nullable: true };
    case 'created_by':
      // lower(creator's name), kept on the key by triggers: sorted along api_keys_list_creator_idx.
      return { expr: sql`${apiKeys.creatorSort}`, type: sql`text`, nullable: true };
    default:
      return { expr: sql`${apiKeys.createdAt}`, type: sql`timestamptz`, nullable: false };
  }
}

/**
 * Keyset paging: the rows after `after` in the list's order (nulls sort as the smallest value: first
 * ascending, last descending). Row comparisons on (value, id) match the sort indexes, so any page
 * costs what the first one does.
 */
function afterCondition(
  { expr, type, nullable }: { expr: SQL; type: SQL; nullable: boolean },
  order: 'asc' | 'desc',
  after: ListPosition,
): SQL {
  const id = sql`${after.id}::uuid`;
  // A column that is never null needs no null branch, and must not get one: the "or … is null" would
  // stop PostgreSQL from using the row comparison as the index range (it walked from the first row).
  if (!nullable && after.value !== null) {
    return order === 'asc'
      ? sql`(${expr}, ${apiKeys.id}) > (${after.value}::${type}, ${id})`
      : sql`(${expr}, ${apiKeys.id}) < (${after.value}::${type}, ${id})`;
  }
  if (after.value === null) {
    return order === 'asc'
      ? sql`((${expr} is null and ${apiKeys.id} > ${id}) or ${expr} is not null)`
      : sql`(${expr} is null and ${apiKeys.id} < ${id})`;
  }
  const value = sql`${after.value}::${type}`;
  return order === 'asc'
    ? sql`(${expr}, ${apiKeys.id}) > (${value}, ${id})`
    : sql`((${expr}, ${apiKeys.id}) < (${value}, ${id}) or ${expr} is null)`;
}

/**
 * One page of an organisation scope's integration keys, filtered, searched and sorted in SQL: by
 * offset (`page`, the admin pages) or after a position (`after`, the HTTP list's cursor). Returns one
 * row more than asked when there is a next page, and each row's sort value for the next cursor.
 */
export async function listApiKeys({
  scope,
  filter,
  after,
  now = new Date(),
  db = defaultDb,
}: {
  scope: KeyScope;
  filter: Omit<ListApiKeysInput, 'cursor'>;
  after?: ListPosition | null;
  now?: Date;
  db?: Executor;
}) {
  const pattern = `%${escapeLike(filter.q)}%`;
  const where = and(
    eq(apiKeys.kind, 'integration'),
    keyScopeCondition(scope),
    statusCondition(filter.status, now),
    // Each alternative matches a trigram GIN index (drizzle/0011_api_key_search.sql): a BitmapOr.
    filter.q
      ? or(
          sql`${apiKeys.name} ilike ${pattern}`,
          sql`${apiKeys.description} ilike ${pattern}`,
          sql`(${apiKeys.prefix} || '…' || ${apiKeys.lastFour}) ilike ${pattern}`,
          sql`(${apiKeys.prefix} || ${apiKeys.lastFour}) ilike ${pattern}`,
        )
      : undefined,
  );
  const sort = sortExpression(filter.sort);
  const dir = filter.order === 'asc' ? asc : desc;
  // A "nulls" clause on a column that is never null would stop PostgreSQL using its index (it does
  // not reason that the clause is moot), so it is only written where nulls exist.
  const nulls = !sort.nullable ? sql`` : filter.order === 'asc' ? sql`nulls first` : sql`nulls last`;
  const orderBy = [sql`${sort.expr} ${sql.raw(filter.order)} ${nulls}`, dir(apiKeys.id)];

  // The count needs no join (a left join to the creators never changes it): index-only where it can.
  const [rows, [{ count }]] = await Promise.all([
    db
      .select({
        key: apiKeys,
        creator: { id: creators.id, name: creators.name, email: creators.email },
        sortValue: sql<string | null>`(${sort.expr})::text`,
      })
      .from(apiKeys)
      .leftJoin(creators, eq(creators.id, apiKeys.createdByUserId))
      .where(after ? and(where, afterCondition(sort, filter.order, after)) : where)
      .orderBy(...orderBy)
      .limit(filter.limit + 1)
      .offset(after ? 0 : (filter.page - 1) * filter.limit),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(apiKeys)
      .where(where),
  ]);
  const more = rows.length > filter.limit;
  if (more) rows.pop();
  const last = rows[rows.length - 1];
  const next: ListPosition | null = more && last ? { value: last.sortValue, id: last.key.id } : null;
  return { rows, total: Number(count), next };
}

/**
 * Counts for the summary widgets, in one pass: grouped by status along api_keys_list_status_idx (its
 * order, so no hash or sort), with the two expiry ranges counted inside the active group. Fewer
 * per-row tests than one filtered count per widget; every condition is the list's own
 * (keyStatusConditions), so a key is counted where it is listed.
 */
export async function summariseApiKeys({
  scope,
  now = new Date(),
  db = defaultDb,
}: {
  scope: KeyScope;
  now?: Date;
  db?: Executor;
}) {
  const c = keyStatusConditions(now);
  const rows = await db
    .select({
      status: apiKeys.status,
      count: sql<number>`count(*)::int`,
      expired: sql<number>`count(*) filter (where ${c.display.expired})::int`,
      expiringSoon: sql<number>`count(*) filter (where ${c.display.expiring_soon})::int`,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.kind, 'integration'), keyScopeCondition(scope)))
    .groupBy(apiKeys.status);
  const of = (status: ApiKey['status']) => rows.find((r) => r.status === status);
  const active = of('active');
  const expired = Number(active?.expired ?? 0);
  return {
    total: rows.reduce((sum, r) => sum + Number(r.count), 0),
    // Usable today: active and not past its expiry (c.usable).
    active: Number(active?.count ?? 0) - expired,
    expiringSoon: Number(active?.expiringSoon ?? 0),
    expired,
    disabled: Number(of('disabled')?.count ?? 0),
    revoked: Number(of('revoked')?.count ?? 0),
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
  scope: KeyScope;
  kind?: ApiKey['kind'];
  forUpdate?: boolean;
  db?: Executor;
}) {
  const query = db
    .select({ key: apiKeys, creator: { id: creators.id, name: creators.name, email: creators.email } })
    .from(apiKeys)
    .leftJoin(creators, eq(creators.id, apiKeys.createdByUserId))
    .where(and(eq(apiKeys.id, id), eq(apiKeys.kind, kind), keyScopeCondition(scope)))
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

/** Keys reported leaked since `since`, newest first: the integration keys within a key scope, or one user's personal keys. */
export async function findLeakedKeys({
  scope,
  userId,
  since,
  db = defaultDb,
}: {
  scope?: KeyScope;
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
        userId
          ? and(eq(apiKeys.kind, 'personal'), eq(apiKeys.userId, userId))
          : and(eq(apiKeys.kind, 'integration'), scope ? keyScopeCondition(scope) : sql`false`),
        gt(apiKeys.leakedAt, since),
      ),
    )
    .orderBy(desc(apiKeys.leakedAt))
    .limit(20);
}

/**
 * The keys a bell should mention, within a key scope: expiring within `expiringWithinMs`, unused since
 * `unusedSince`, reported leaked since `leakedSince`, and rotations ending within `rotationEndsWithinMs`
 * whose old secret was used since `oldSecretUsedSince`. One query; the service words them.
 */
export async function findKeysNeedingAttention({
  scope,
  now,
  expiringBefore,
  unusedSince,
  leakedSince,
  rotationEndsBefore,
  oldSecretUsedSince,
  db = defaultDb,
}: {
  scope: KeyScope;
  now: Date;
  expiringBefore: Date;
  unusedSince: Date;
  leakedSince: Date;
  rotationEndsBefore: Date;
  oldSecretUsedSince: Date;
  db?: Executor;
}) {
  const usable = and(eq(apiKeys.status, 'active'), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));
  const expiring = and(usable, lte(apiKeys.expiresAt, expiringBefore));
  const unused = and(
    usable,
    or(
      lte(apiKeys.lastUsedAt, unusedSince),
      and(isNull(apiKeys.lastUsedAt), lte(apiKeys.createdAt, unusedSince)),
    ),
  );
  const leaked = gt(apiKeys.leakedAt, leakedSince);
  const rotationInUse = and(
    usable,
    gt(apiKeys.previousKeyExpiresAt, now),
    lte(apiKeys.previousKeyExpiresAt, rotationEndsBefore),
    gt(apiKeys.previousKeyLastUsedAt, oldSecretUsedSince),
  );
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      lastFour: apiKeys.lastFour,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
      leakedAt: apiKeys.leakedAt,
      previousKeyExpiresAt: apiKeys.previousKeyExpiresAt,
      expiring: sql<boolean>`coalesce(${expiring}, false)`,
      unused: sql<boolean>`coalesce(${unused}, false)`,
      leaked: sql<boolean>`coalesce(${leaked}, false)`,
      rotationInUse: sql<boolean>`coalesce(${rotationInUse}, false)`,
    })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.kind, 'integration'),
        keyScopeCondition(scope),
        or(expiring, unused, leaked, rotationInUse),
      ),
    )
    .orderBy(asc(apiKeys.name))
    .limit(50);
}
