import type { KeyKind as ApiKeyKind } from './format';
import { permissionsForRole, personalKeyAllowed, tenantScopeOfPersonalKey } from '@/lib/access';
import type { Permission } from '@/lib/permissions';
import { hashKey, hashesEqual, parseKey, visibleIdentifier } from './format';

/** What one indexed lookup by hash returns about a key (see db/queries/api-keys.ts). */
export type KeyRecord = {
  id: string;
  organisationId: string;
  kind: ApiKeyKind;
  userId: string | null;
  name: string;
  keyHash: string;
  prefix: string;
  lastFour: string;
  permissions: string[];
  allTenants: boolean;
  tenantIds: string[];
  status: 'active' | 'disabled' | 'revoked';
  expiresAt: Date | null;
  /** A rotation's previous secret and the moment it stops working (both null when not rotating). */
  previousKeyHash: string | null;
  previousKeyExpiresAt: Date | null;
  /** Addresses or CIDR ranges the key may be used from; null: anywhere. */
  allowedIps: string[] | null;
  rateLimitPerMinute: number | null;
  /** Personal keys: the owner's current role and state; null for integration keys. */
  owner: { role: 'superadmin' | 'admin' | 'user'; disabled: boolean } | null;
  organisationAllowsNonAdminApi: boolean;
};

/** The identity a verified key carries into a request. */
export type VerifiedKey = {
  id: string;
  kind: ApiKeyKind;
  name: string;
  visibleId: string;
  organisationId: string;
  userId: string | null;
  permissions: Permission[];
  allTenants: boolean;
  tenantIds: string[];
  expiresAt: Date | null;
  allowedIps: string[] | null;
  rateLimitPerMinute: number | null;
  /** The caller presented the rotation's previous secret (still inside its overlap). */
  usedPreviousSecret: boolean;
};

export type KeyFailure =
  | 'key_missing'
  | 'key_malformed'
  | 'key_invalid'
  | 'key_expired'
  | 'key_disabled'
  | 'key_revoked'
  | 'api_access_disabled';

export type VerifyResult =
  | { ok: true; key: VerifiedKey }
  | {
      ok: false;
      code: KeyFailure;
      keyId?: string;
      /** A previous secret presented after its overlap ended: the rotation can be closed now. */
      rotationEnded?: boolean;
    };

/**
 * Find a key record by its hash. A cache may answer at once (a record or null, no promise): a cached
 * key check then runs without a single await, which on the built server is measurably cheaper than
 * awaiting an already-known value (every promise pays Next's async-context hooks).
 */
export type KeyLookup = (keyHash: string) => KeyRecord | null | Promise<KeyRecord | null>;

/**
 * Verify a presented key: shape and checksum first (no I/O), then SHA-256, one indexed lookup,
 * then status and expiry, the latter against the clock on every call. Synchronous when the lookup
 * answers synchronously (a cache hit); await it either way.
 */
export function verifyKey(
  presented: string | null | undefined,
  lookup: KeyLookup,
  now: Date = new Date(),
): VerifyResult | Promise<VerifyResult> {
  if (!presented) return { ok: false, code: 'key_missing' };
  const parsed = parseKey(presented);
  if (!parsed) return { ok: false, code: 'key_malformed' };
  const keyHash = hashKey(parsed.key);
  const record = lookup(keyHash);
  if (record instanceof Promise) return record.then((found) => checkFound(found, parsed.kind, keyHash, now));
  return checkFound(record, parsed.kind, keyHash, now);
}

function checkFound(record: KeyRecord | null, kind: ApiKeyKind, keyHash: string, now: Date): VerifyResult {
  // The lookup matched on the hash already; comparing again in constant time keeps a cache or a
  // future lookup by prefix from ever turning this into a timing oracle.
  if (!record || record.kind !== kind) return { ok: false, code: 'key_invalid' };
  if (hashesEqual(record.keyHash, keyHash)) return checkKeyRecord(record, now);
  if (record.previousKeyHash && hashesEqual(record.previousKeyHash, keyHash)) {
    // The previous secret of a rotation: good until its moment, compared with the clock on every
    // request, so neither a cache entry nor a missed notification can keep it alive a moment longer.
    if (record.previousKeyExpiresAt && record.previousKeyExpiresAt.getTime() > now.getTime()) {
      return checkKeyRecord(record, now, true);
    }
    return { ok: false, code: 'key_invalid', keyId: record.id, rotationEnded: true };
  }
  return { ok: false, code: 'key_invalid' };
}

/** Status, expiry and owner checks on a key that was found. */
export function checkKeyRecord(
  record: KeyRecord,
  now: Date = new Date(),
  usedPreviousSecret = false,
): VerifyResult {
  const keyId = record.id;
  if (record.status === 'revoked') return { ok: false, code: 'key_revoked', keyId };
  if (record.status === 'disabled') return { ok: false, code: 'key_disabled', keyId };
  if (record.expiresAt && record.expiresAt.getTime() <= now.getTime())
    return { ok: false, code: 'key_expired', keyId };

  if (record.kind === 'personal') {
    // A personal key acts as its user: the user's role decides, now, not when the key was made.
    if (!record.owner || record.owner.disabled) return { ok: false, code: 'key_invalid', keyId };
    if (!personalKeyAllowed(record.owner, record.organisationAllowsNonAdminApi)) {
      return { ok: false, code: 'api_access_disabled', keyId };
    }
  }
  return { ok: true, key: verifiedKeyOf(record, usedPreviousSecret) };
}

/**
 * The identity a record grants, built once per record (a cache entry is one record object for its
 * whole life; a change replaces it) instead of on every request. Frozen: requests share it.
 */
const verifiedKeys = new WeakMap<KeyRecord, { current?: VerifiedKey; previous?: VerifiedKey }>();

function verifiedKeyOf(record: KeyRecord, usedPreviousSecret: boolean): VerifiedKey {
  let built = verifiedKeys.get(record);
  if (!built) {
    built = {};
    verifiedKeys.set(record, built);
  }
  const which = usedPreviousSecret ? 'previous' : 'current';
  return (built[which] ??= buildVerifiedKey(record, usedPreviousSecret));
}

function buildVerifiedKey(record: KeyRecord, usedPreviousSecret: boolean): VerifiedKey {
  let permissions = record.permissions as Permission[];
  let allTenants = record.allTenants;
  let tenantIds = record.tenantIds;
  if (record.kind === 'personal' && record.owner) {
    permissions = permissionsForRole(record.owner.role);
    const reach = tenantScopeOfPersonalKey(record.owner, record.organisationId);
    allTenants = reach.allTenants;
    tenantIds = [...reach.tenantIds];
  }
  return Object.freeze({
    id: record.id,
    kind: record.kind,
    name: record.name,
    visibleId: visibleIdentifier(record),
    organisationId: record.organisationId,
    userId: record.userId,
    permissions: Object.freeze([...permissions]) as Permission[],
    allTenants,
    tenantIds: Object.freeze([...tenantIds]) as string[],
    expiresAt: record.expiresAt,
    allowedIps: record.allowedIps,
    rateLimitPerMinute: record.rateLimitPerMinute,
    usedPreviousSecret,
  });
}
