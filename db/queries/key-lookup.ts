import { asc, count, eq, gt, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { KeyRecord } from '@/lib/keys/verify';
import type { Database, Executor } from '../index';
import { db as defaultDb, getDatabase } from '../index';
import { rowsOf } from '../rows';
import { apiKeys, organisations, users } from '../schema';

type Row = {
  id: string;
  organisation_id: string;
  kind: KeyRecord['kind'];
  user_id: string | null;
  name: string;
  key_hash: string;
  prefix: string;
  last_four: string;
  permissions: string[];
  all_tenants: boolean;
  status: KeyRecord['status'];
  expires_at: string | Date | null;
  previous_key_hash: string | null;
  previous_key_expires_at: string | Date | null;
  allowed_ips: string[] | null;
  rate_limit_per_minute: number | null;
  owner_role: 'superadmin' | 'admin' | 'user' | null;
  owner_disabled: boolean | null;
  api_access: boolean;
  tenant_ids: string[] | null;
};

function selectKeys(where: SQL) {
  return sql`
    select k.id, k.organisation_id, k.kind, k.user_id, k.name, k.key_hash, k.prefix, k.last_four,
           k.permissions, k.all_tenants, k.status, k.expires_at,
           k.previous_key_hash, k.previous_key_expires_at, k.allowed_ips, k.rate_limit_per_minute,
           u.role as owner_role, (u.disabled_at is not null) as owner_disabled,
           o.api_access_for_non_admins as api_access,
           (select coalesce(array_agg(t.organisation_id::text), '{}') from api_key_tenants t where t.api_key_id = k.id) as tenant_ids
    from api_keys k
    join organisations o on o.id = k.organisation_id
    left join users u on u.id = k.user_id
    where ${where}`;
}

function toKeyRecord(r: Row): KeyRecord {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    kind: r.kind,
    userId: r.user_id,
    name: r.name,
    keyHash: r.key_hash,
    prefix: r.prefix,
    lastFour: r.last_four,
    permissions: r.permissions,
    allTenants: r.all_tenants,
    tenantIds: r.tenant_ids ?? [],
    status: r.status,
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    previousKeyHash: r.previous_key_hash,
    previousKeyExpiresAt: r.previous_key_expires_at ? new Date(r.previous_key_expires_at) : null,
    allowedIps: r.allowed_ips && r.allowed_ips.length ? r.allowed_ips : null,
    rateLimitPerMinute: r.rate_limit_per_minute,
    owner:
      r.kind === 'personal' && r.owner_role
        ? { role: r.owner_role, disabled: Boolean(r.owner_disabled) }
        : null,
    organisationAllowsNonAdminApi: r.api_access,
  };
}

/**
 * The key check's statement, prepared once per database: drizzle sends its other queries unprepared
 * (parsed and planned on every call), which on a cache miss cost PostgreSQL more than the lookup
 * itself — 4× the throughput of the same SQL unprepared (docs/performance.md).
 */
function prepareLookup(database: Database) {
  return database
    .select({
      id: apiKeys.id,
      organisation_id: apiKeys.organisationId,
      kind: apiKeys.kind,
      user_id: apiKeys.userId,
      name: apiKeys.name,
      key_hash: apiKeys.keyHash,
      prefix: apiKeys.prefix,
      last_four: apiKeys.lastFour,
      permissions: apiKeys.permissions,
      all_tenants: apiKeys.allTenants,
      status: apiKeys.status,
      expires_at: apiKeys.expiresAt,
      previous_key_hash: apiKeys.previousKeyHash,
      previous_key_expires_at: apiKeys.previousKeyExpiresAt,
      allowed_ips: apiKeys.allowedIps,
      rate_limit_per_minute: apiKeys.rateLimitPerMinute,
      owner_role: users.role,
      owner_disabled: sql<boolean | null>`(${users.disabledAt} is not null)`,
      api_access: organisations.apiAccessForNonAdmins,
      tenant_ids: sql<
        string[] | null
      >`(select coalesce(array_agg(t.organisation_id::text), '{}') from api_key_tenants t where t.api_key_id = ${apiKeys.id})`,
    })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
    .leftJoin(users, eq(users.id, apiKeys.userId))
    .where(
      or(
        eq(apiKeys.keyHash, sql.placeholder('keyHash')),
        eq(apiKeys.previousKeyHash, sql.placeholder('keyHash')),
      ),
    )
    .limit(1)
    .prepare('crm_find_key_by_hash');
}

const prepared = new WeakMap<Database, ReturnType<typeof prepareLookup>>();

/**
 * The one query behind every key check: by the unique hash index (the current secret, or the
 * previous one during a rotation's overlap: two unique indexes, one bitmap-OR), with the owner, the
 * organisation switch and the allowed tenants in the same round trip.
 */
export async function findKeyByHash({
  keyHash,
  db = defaultDb,
}: {
  keyHash: string;
  db?: Executor;
}): Promise<KeyRecord | null> {
  if (db === defaultDb) {
    const database = getDatabase().db;
    let lookup = prepared.get(database);
    if (!lookup) prepared.set(database, (lookup = prepareLookup(database)));
    const [r] = await lookup.execute({ keyHash });
    return r ? toKeyRecord(r) : null;
  }
  const result = await db.execute<Row>(
    sql`${selectKeys(sql`(k.key_hash = ${keyHash} or k.previous_key_hash = ${keyHash})`)} limit 1`,
  );
  const r = rowsOf<Row>(result)[0];
  return r ? toKeyRecord(r) : null;
}

/**
 * The same records by key id: what webhooks use to ask "may this key still receive this?" with the
 * very rules of a key check (lib/keys/verify.ts checkKeyRecord).
 */
export async function findKeyRecordsByIds({
  ids,
  db = defaultDb,
}: {
  ids: string[];
  db?: Executor;
}): Promise<Map<string, KeyRecord>> {
  const map = new Map<string, KeyRecord>();
  if (ids.length === 0) return map;
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const result = await db.execute<Row>(selectKeys(sql`k.id in (${list})`));
  for (const r of rowsOf<Row>(result)) map.set(r.id, toKeyRecord(r));
  return map;
}

/** How many keys exist (any status): sizes the key filter. */
export async function countKeys(): Promise<number> {
  const [{ n }] = await defaultDb.select({ n: count() }).from(apiKeys);
  return Number(n);
}

/** Every key's hash, in pages of `size` along the unique index (for the key filter). */
export async function* keyHashPages(size = 20_000): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const page = await defaultDb
      .select({ h: apiKeys.keyHash })
      .from(apiKeys)
      .where(gt(apiKeys.keyHash, after))
      .orderBy(asc(apiKeys.keyHash))
      .limit(size);
    yield page.map((row) => row.h);
    if (page.length < size) return;
    after = page[page.length - 1].h;
  }
}

/** The previous secrets of rotations in (or just past) their overlap: few, so one read. */
export async function previousKeyHashes(): Promise<string[]> {
  const rows = await defaultDb
    .select({ h: apiKeys.previousKeyHash })
    .from(apiKeys)
    .where(isNotNull(apiKeys.previousKeyHash));
  return rows.flatMap((row) => (row.h ? [row.h] : []));
}
