import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, utc } from './columns';
import { organisations } from './organisations';
import { users } from './users';

export const apiKeyKinds = ['integration', 'personal'] as const;
export type ApiKeyKind = (typeof apiKeyKinds)[number];

/**
 * What a key's allowed tenants reach, relative to its owning organisation: only that organisation
 * ('own': no tenant but it — the only keys an organisation admin sees), other organisations too
 * ('tenants'), or every one ('all': all_tenants). Derived, never written by the app: the triggers of
 * drizzle/*_api_key_reach_creator_sort.sql keep it right from all_tenants and api_key_tenants in the
 * same transaction, so the admin list and the widgets filter on an indexed column instead of
 * anti-joining every key's tenants.
 */
export const apiKeyReaches = ['own', 'tenants', 'all'] as const;
export type ApiKeyReach = (typeof apiKeyReaches)[number];

export const apiKeyStatuses = ['active', 'disabled', 'revoked'] as const;
export type ApiKeyStatus = (typeof apiKeyStatuses)[number];

/**
 * An API key. The secret itself is never stored: only its SHA-256 hash (the lookup), its last four
 * characters and its prefix, which together form the visible identifier "sk_live_…XyZ9".
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: apiKeyKinds }).notNull().default('integration'),
    /** The user a personal key acts as; null for integration keys. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Hex SHA-256 of the full key: the only form of the secret we keep. */
    keyHash: text('key_hash').notNull(),
    prefix: text('prefix').notNull(),
    lastFour: text('last_four').notNull(),
    permissions: text('permissions')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** "All tenants": reserved to superadmins. Otherwise api_key_tenants lists them. */
    allTenants: boolean('all_tenants').notNull().default(false),
    status: text('status', { enum: apiKeyStatuses }).notNull().default('active'),
    /** A protected key cannot be deleted (it can still be disabled or revoked). */
    protected: boolean('protected').notNull().default(false),
    expiresAt: utc('expires_at'),
    lastUsedAt: utc('last_used_at'),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /**
     * lower(name) of the creating user (null when none): the list's "sort by creator" as a column of
     * this table, so one index serves it. Derived, kept right by triggers (a creator's rename, a changed
     * or removed creator), never written by the app.
     */
    creatorSort: text('creator_sort'),
    /** Derived from all_tenants and api_key_tenants by triggers; see apiKeyReaches. */
    reach: text('reach', { enum: apiKeyReaches }).notNull().default('own'),
    /** Set when a script created this key with another key. */
    createdByKeyId: uuid('created_by_key_id'),
    regeneratedAt: utc('regenerated_at'),
    /**
     * Rotation with an overlap: the secret a regenerate replaced keeps working until
     * previous_key_expires_at. Every key check compares that moment with the clock, so no job has to
     * run for the old secret to stop; the columns are cleared (and the end audited) by whoever first
     * notices it has passed (lib/services/key-rotation.ts).
     */
    previousKeyHash: text('previous_key_hash'),
    previousLastFour: text('previous_last_four'),
    previousKeyExpiresAt: utc('previous_key_expires_at'),
    previousKeyLastUsedAt: utc('previous_key_last_used_at'),
    /** Addresses or CIDR ranges the key may be used from; null: anywhere. */
    allowedIps: text('allowed_ips').array(),
    /** Requests a minute across all instances; null: no limit. */
    rateLimitPerMinute: integer('rate_limit_per_minute'),
    /** Reported leaked by a secret scanner (the key is revoked at the same moment). */
    leakedAt: utc('leaked_at'),
    leakedUrl: text('leaked_url'),
    disabledAt: utc('disabled_at'),
    revokedAt: utc('revoked_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_unique').on(t.keyHash),
    uniqueIndex('api_keys_previous_key_hash_unique')
      .on(t.previousKeyHash)
      .where(sql`${t.previousKeyHash} is not null`),
    // Names are unique among an organisation's integration keys, case-insensitively.
    uniqueIndex('api_keys_org_name_unique')
      .on(t.organisationId, sql`lower(${t.name})`)
      .where(sql`${t.kind} = 'integration'`),
    // At most one live personal key per user.
    uniqueIndex('api_keys_one_personal_key')
      .on(t.userId)
      .where(sql`${t.kind} = 'personal' and ${t.status} <> 'revoked'`),
    index('api_keys_org_created_idx').on(t.organisationId, t.createdAt),
    // The admin list (db/queries/api-keys.ts): one index per sort, led by the organisation and ended
    // by the id, so a page — first or 5,000th, by cursor — is a short walk along one index. Nulls
    // first, like the list's order (asc: nulls first; desc, read backwards: nulls last).
    index('api_keys_list_created_idx')
      .on(t.organisationId, t.createdAt, t.id)
      .where(sql`${t.kind} = 'integration'`),
    index('api_keys_list_name_idx')
      .on(t.organisationId, sql`lower(${t.name})`, t.id)
      .where(sql`${t.kind} = 'integration'`),
    index('api_keys_list_expires_idx')
      .on(t.organisationId, t.expiresAt.asc().nullsFirst(), t.id)
      .where(sql`${t.kind} = 'integration'`),
    index('api_keys_list_last_used_idx')
      .on(t.organisationId, t.lastUsedAt.asc().nullsFirst(), t.id)
      .where(sql`${t.kind} = 'integration'`),
    index('api_keys_list_creator_idx')
      .on(t.organisationId, t.creatorSort.asc().nullsFirst(), t.id)
      .where(sql`${t.kind} = 'integration'`),
    // A creator's rename rewrites creator_sort of their keys; removing a user nulls created_by_user_id.
    index('api_keys_created_by_user_idx').on(t.createdByUserId),
    // Status filters (the "unused" one reads the last two), totals and the summary widgets: counted
    // from this index alone (index-only scans). The reach comes second: an organisation admin's
    // scope (reach = 'own') is then one range of it; scopes without a reach condition still read
    // only the organisation's part.
    index('api_keys_list_status_idx')
      .on(t.organisationId, t.reach, t.status, t.expiresAt, t.lastUsedAt, t.createdAt)
      .where(sql`${t.kind} = 'integration'`),
    // The expiry notices' sweep (lib/services/key-expiry-notices.ts): live keys by expiry, a short walk.
    index('api_keys_expiry_notice_idx')
      .on(t.expiresAt)
      .where(sql`${t.kind} = 'integration' and ${t.status} = 'active' and ${t.expiresAt} is not null`),
    // Search by part of the name, description or visible identifier: trigram GIN indexes, created in
    // drizzle/*_api_key_search.sql (pg_trgm is an extension, which drizzle-kit cannot declare).
  ],
);

/** The organisations (tenants) a key may reach when it is not an "all tenants" key. */
export const apiKeyTenants = pgTable(
  'api_key_tenants',
  {
    apiKeyId: uuid('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.apiKeyId, t.organisationId] }),
    index('api_key_tenants_org_idx').on(t.organisationId),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
