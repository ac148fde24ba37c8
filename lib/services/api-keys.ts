import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { apiKeys, apiKeyTenants, organisations, type ApiKey } from '@/db/schema';
import {
  findApiKeyById,
  findLeakedKeys,
  findKeyTenants,
  isKeyNameTaken,
  listApiKeys as listApiKeysQuery,
  summariseApiKeys,
} from '@/db/queries/api-keys';
import { listAuditEventsForTarget } from '@/db/queries/audit';
import { findKeyPolicies, listOrganisations } from '@/db/queries/organisations';
import { uniqueViolation } from '@/db/rows';
import { AppError } from '@/lib/errors';
import { visibleIdentifier } from '@/lib/keys/format';
import { issueSecret } from '@/lib/keys/issue';
import { announceKeyChange } from '@/lib/key-check/invalidation';
import { expiryPolicyViolation, latestAllowedExpiry, type KeyPolicy } from '@/lib/keys/policy';
import type { Permission } from '@/lib/permissions';
import { displayStatus } from '@/lib/keys/lifecycle';
import {
  encodeListCursor,
  protectedKeyMessage,
  type ApiKeyView,
  type CreateApiKeyInput,
  type ListApiKeysInput,
  type RegenerateApiKeyInput,
  type UpdateApiKeyInput,
} from '@/lib/validation/api-keys';
import {
  assertCanManageKeys,
  assertMayGrantKey,
  defaultKeyTenants,
  keyInScope,
  keyScope,
  organisationScope,
  owningOrganisationForNewKey,
  type KeyFacts,
} from '@/lib/access';
import { type Actor, type RequestContext } from '@/lib/actor';
import { diffFields, recordAudit } from './audit';
import { isUuid } from '@/lib/ids';

const NO_POLICY: KeyPolicy = { keysMustExpire: false, maxLifetimeDays: null };

/** Whether a rotation's overlap is still running (the previous secret still works). */
export function rotationRunning(key: ApiKey, now = new Date()): boolean {
  return Boolean(
    key.previousKeyHash && key.previousKeyExpiresAt && key.previousKeyExpiresAt.getTime() > now.getTime(),
  );
}

type Creator = { id: string | null; name: string | null; email: string | null } | null;

function toView(
  key: ApiKey,
  creator: Creator,
  tenants: { id: string; name: string }[],
  policy: KeyPolicy = NO_POLICY,
  now = new Date(),
): ApiKeyView {
  return {
    id: key.id,
    organisationId: key.organisationId,
    kind: key.kind,
    name: key.name,
    description: key.description,
    visibleId: visibleIdentifier(key),
    status: key.status,
    displayStatus: displayStatus(key, now),
    permissions: key.permissions as Permission[],
    allTenants: key.allTenants,
    tenants: key.allTenants ? [] : tenants,
    protected: key.protected,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    createdAt: key.createdAt,
    updatedAt: key.updatedAt,
    createdBy: creator?.id ? { id: creator.id, name: creator.name ?? '', email: creator.email ?? '' } : null,
    createdByKeyId: key.createdByKeyId,
    regeneratedAt: key.regeneratedAt,
    disabledAt: key.disabledAt,
    revokedAt: key.revokedAt,
    allowedIps: key.allowedIps && key.allowedIps.length ? key.allowedIps : null,
    rateLimitPerMinute: key.rateLimitPerMinute,
    rotation: rotationRunning(key, now)
      ? {
          previousVisibleId: visibleIdentifier({
            prefix: key.prefix,
            lastFour: key.previousLastFour ?? '????',
          }),
          endsAt: key.previousKeyExpiresAt!,
          previousLastUsedAt: key.previousKeyLastUsedAt,
        }
      : null,
    leak: key.leakedAt ? { at: key.leakedAt, url: key.leakedUrl } : null,
    outsidePolicy:
      key.status !== 'revoked' &&
      !(key.expiresAt && key.expiresAt.getTime() <= now.getTime()) &&
      expiryPolicyViolation(policy, key.expiresAt, now) !== null,
  };
}

/** Fields recorded in the audit trail's before/after. The hash and the secret are never among them. */
function auditable(key: ApiKey, tenantIds: string[]) {
  return {
    name: key.name,
    description: key.description,
    permissions: key.permissions,
    tenants: key.allTenants ? 'all' : tenantIds,
    expires_at: key.expiresAt,
    status: key.status,
    allowed_ips: key.allowedIps ?? null,
    rate_limit_per_minute: key.rateLimitPerMinute,
    protected: key.protected,
  };
}

/** The organisation's key policy (none when it has none). */
export async function keyPolicyOf(tx: Executor, organisationId: string): Promise<KeyPolicy> {
  return (
    (await findKeyPolicies({ organisationIds: [organisationId], db: tx })).get(organisationId) ?? NO_POLICY
  );
}

/** Refuse an expiry outside the organisation's key policy: 422 naming the field. */
async function checkExpiryPolicy(
  tx: Executor,
  organisationId: string,
  expiresAt: Date | null,
  message?: (violation: string) => string,
): Promise<void> {
  const violation = expiryPolicyViolation(await keyPolicyOf(tx, organisationId), expiresAt);
  if (violation) {
    const text = message ? message(violation) : violation;
    throw new AppError('validation_failed', text, { expiry_date: [text] });
  }
}

function notFound(): AppError {
  return new AppError('not_found', 'No API key with this id.');
}

/** The organisations named as allowed tenants must exist (whether the actor may name them is lib/access). */
async function checkTenantsExist(tx: Executor, tenants: 'all' | string[]): Promise<void> {
  if (tenants === 'all') return;
  const found = await tx
    .select({ id: organisations.id })
    .from(organisations)
    .where(inArray(organisations.id, tenants));
  const missing = tenants.filter((t) => !found.some((f) => f.id === t));
  if (missing.length) {
    throw new AppError('validation_failed', 'Unknown organisation.', {
      tenants: [`Unknown organisation: ${missing.join(', ')}.`],
    });
  }
}

function nameTaken(): AppError {
  return new AppError('name_taken', 'A key with this name already exists.', {
    name: ['A key with this name already exists.'],
  });
}

async function writeTenants(tx: Executor, keyId: string, tenants: 'all' | string[]) {
  await tx.delete(apiKeyTenants).where(eq(apiKeyTenants.apiKeyId, keyId));
  if (tenants !== 'all' && tenants.length) {
    await tx
      .insert(apiKeyTenants)
      .values(tenants.map((organisationId) => ({ apiKeyId: keyId, organisationId })));
  }
}

/** The facts rule 2 of lib/access.ts reads about a key. */
function factsOf(key: ApiKey, tenantIds: string[]): KeyFacts {
  return {
    organisationId: key.organisationId,
    allTenants: key.allTenants,
    tenantIds,
    permissions: key.permissions,
    expiresAt: key.expiresAt,
  };
}

/**
 * One key the actor reaches, or "not found". The query is scoped in SQL by the policy's key scope,
 * and the loaded key is checked again with the same policy: two locks on one door.
 */
async function loadReachable(tx: Executor, actor: Actor, id: string, forUpdate = false) {
  const row = await findApiKeyById({ id, scope: keyScope(actor), forUpdate, db: tx });
  if (!row) throw notFound();
  const tenants = (await findKeyTenants({ keyIds: [id], db: tx })).get(id) ?? [];
  if (
    !keyInScope(
      keyScope(actor),
      factsOf(
        row.key,
        tenants.map((t) => t.id),
      ),
    )
  )
    throw notFound();
  return { ...row, tenants };
}

async function loadView(tx: Executor, id: string, actor: Actor): Promise<ApiKeyView> {
  const row = await loadReachable(tx, actor, id);
  return toView(row.key, row.creator, row.tenants, await keyPolicyOf(tx, row.key.organisationId));
}

export type CreatedApiKey = { key: ApiKeyView; secret: string };

/** Create an integration key. The returned secret is the only copy that will ever exist. */
export async function createApiKey(
  actor: Actor,
  input: CreateApiKeyInput,
  context?: RequestContext,
): Promise<CreatedApiKey> {
  assertCanManageKeys(actor, 'write');
  const organisationId = owningOrganisationForNewKey(actor, input.organisation_id);
  const tenants = input.tenants ?? defaultKeyTenants(actor, organisationId);
  if (!tenants) {
    throw new AppError(
      'validation_failed',
      'Name the tenants: the calling key reaches several organisations.',
      {
        tenants: [
          'Required when the calling key reaches several organisations (or all): name the ones the new key may reach.',
        ],
      },
    );
  }
  assertMayGrantKey(actor, {
    permissions: input.permissions,
    tenants,
    expiresAt: input.expiry_date ?? null,
  });

  const { secret, columns } = issueSecret('integration');
  try {
    const key = await db.transaction(async (tx) => {
      await checkTenantsExist(tx, tenants);
      await checkExpiryPolicy(tx, organisationId, input.expiry_date ?? null);
      if (await isKeyNameTaken({ organisationId, name: input.name, db: tx })) throw nameTaken();
      const [created] = await tx
        .insert(apiKeys)
        .values({
          organisationId,
          kind: 'integration',
          name: input.name,
          description: input.description ?? '',
          ...columns,
          permissions: input.permissions,
          allTenants: tenants === 'all',
          expiresAt: input.expiry_date ?? null,
          allowedIps: input.allowed_ips ?? null,
          rateLimitPerMinute: input.rate_limit_per_minute ?? null,
          createdByUserId: actor.type === 'user' ? actor.userId : actor.type === 'key' ? actor.userId : null,
          createdByKeyId: actor.type === 'key' ? actor.keyId : null,
        })
        .returning();
      await writeTenants(tx, created.id, tenants);
      await recordAudit(tx, {
        actor,
        context,
        action: 'key.created',
        organisationId,
        target: { type: 'api_key', id: created.id, label: `${created.name} (${visibleIdentifier(created)})` },
        changes: diffFields({}, auditable(created, tenants === 'all' ? [] : tenants)),
      });
      return loadView(tx, created.id, actor);
    });
    return { key, secret };
  } catch (error) {
    if (uniqueViolation(error) === 'api_keys_org_name_unique') throw nameTaken();
    throw error;
  }
}

export async function getApiKey(actor: Actor, id: string): Promise<ApiKeyView> {
  assertCanManageKeys(actor, 'read');
  if (!isUuid(id)) throw notFound();
  return loadView(db, id, actor);
}

export async function listApiKeys(actor: Actor, filter: ListApiKeysInput) {
  assertCanManageKeys(actor, 'read');
  const scope = keyScope(actor);
  const now = new Date();
  const { cursor } = filter;
  const page = cursor?.page ?? filter.page;
  const { rows, total, next } = await listApiKeysQuery({ scope, filter, after: cursor, now });
  const [tenants, policies] = await Promise.all([
    findKeyTenants({ keyIds: rows.map((r) => r.key.id) }),
    findKeyPolicies({ organisationIds: rows.map((r) => r.key.organisationId) }),
  ]);
  return {
    keys: rows.map((r) =>
      toView(r.key, r.creator, tenants.get(r.key.id) ?? [], policies.get(r.key.organisationId), now),
    ),
    total,
    page,
    limit: filter.limit,
    pages: Math.max(1, Math.ceil(total / filter.limit)),
    nextCursor: next
      ? encodeListCursor({
          sort: filter.sort,
          order: filter.order,
          status: filter.status,
          q: filter.q,
          page: page + 1,
          ...next,
        })
      : null,
  };
}

export async function getApiKeySummary(actor: Actor) {
  assertCanManageKeys(actor, 'read');
  return summariseApiKeys({ scope: keyScope(actor) });
}

/**
 * The organisations the actor may pick as a key's allowed tenants: every organisation for a
 * superadmin, their own for an admin. (The service checks the choice again on create and update.)
 */
export async function listGrantableTenants(actor: Actor): Promise<{ id: string; name: string }[]> {
  assertCanManageKeys(actor, 'read');
  return listOrganisations({ scope: organisationScope(actor) });
}

/** An audit event as the pages show it: the event, its organisation's name and the actor's name. */
export type ApiKeyAuditEvent = Awaited<ReturnType<typeof listAuditEventsForTarget>>[number];

/** A key's audit trail, newest first. The key must be visible to the actor. */
export async function listApiKeyAuditTrail(
  actor: Actor,
  id: string,
  limit = 100,
): Promise<ApiKeyAuditEvent[]> {
  await getApiKey(actor, id);
  return listAuditEventsForTarget({ targetType: 'api_key', targetId: id, limit });
}

/**
 * Every change runs in one transaction that first locks the key's row: two admins acting at once
 * are serialised, a revoked key stays revoked, and a double regenerate leaves exactly one secret.
 */
export async function changeKey<T>(
  actor: Actor,
  id: string,
  change: (tx: Executor, key: ApiKey, tenantIds: string[]) => Promise<T>,
): Promise<T> {
  assertCanManageKeys(actor, 'write');
  if (!isUuid(id)) throw notFound();
  const result = await db.transaction(async (tx) => {
    // Rule 2 of lib/access.ts: only a key the actor could have created (404 otherwise).
    const row = await loadReachable(tx, actor, id, true);
    return change(
      tx,
      row.key,
      row.tenants.map((t) => t.id),
    );
  });
  announceKeyChange({ keyIds: [id] });
  return result;
}

export function targetOf(key: ApiKey) {
  return { type: 'api_key', id: key.id, label: `${key.name} (${visibleIdentifier(key)})` };
}

function refuseIfRevoked(key: ApiKey): void {
  if (key.status === 'revoked') throw new AppError('key_revoked_final');
}

export async function updateApiKey(
  actor: Actor,
  id: string,
  input: UpdateApiKeyInput,
  context?: RequestContext,
): Promise<ApiKeyView> {
  try {
    return await changeKey(actor, id, async (tx, key, tenantIds) => {
      // A revoked key can still be unprotected (so that it can be deleted), and nothing else.
      if (Object.entries(input).some(([field, value]) => field !== 'protected' && value !== undefined)) {
        refuseIfRevoked(key);
      }
      // The key as it will be must still be one the actor could create (rules 3 and 4).
      assertMayGrantKey(actor, {
        permissions: input.permissions ?? key.permissions,
        tenants: input.tenants ?? (key.allTenants ? 'all' : tenantIds),
        expiresAt: input.expiry_date !== undefined ? input.expiry_date : key.expiresAt,
      });
      if (input.tenants !== undefined) await checkTenantsExist(tx, input.tenants);
      // The policy applies to the expiry a change sets; renaming a key made before the policy is fine.
      if (input.expiry_date !== undefined) await checkExpiryPolicy(tx, key.organisationId, input.expiry_date);
      if (
        input.name !== undefined &&
        (await isKeyNameTaken({ organisationId: key.organisationId, name: input.name, exceptId: id, db: tx }))
      ) {
        throw nameTaken();
      }
      const patch: Partial<typeof apiKeys.$inferInsert> = { updatedAt: new Date() };
      if (input.name !== undefined) patch.name = input.name;
      if (input.description !== undefined) patch.description = input.description;
      if (input.expiry_date !== undefined) patch.expiresAt = input.expiry_date;
      if (input.permissions !== undefined) patch.permissions = input.permissions;
      if (input.tenants !== undefined) patch.allTenants = input.tenants === 'all';
      if (input.allowed_ips !== undefined) patch.allowedIps = input.allowed_ips;
      if (input.rate_limit_per_minute !== undefined) patch.rateLimitPerMinute = input.rate_limit_per_minute;
      if (input.protected !== undefined) patch.protected = input.protected;
      const [updated] = await tx.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning();
      if (input.tenants !== undefined) await writeTenants(tx, id, input.tenants);
      const newTenantIds =
        input.tenants === undefined ? tenantIds : input.tenants === 'all' ? [] : input.tenants;
      const changes = diffFields(auditable(key, tenantIds), auditable(updated, newTenantIds));
      if (Object.keys(changes).length) {
        await recordAudit(tx, {
          actor,
          context,
          action: 'key.updated',
          organisationId: key.organisationId,
          target: targetOf(updated),
          changes,
        });
      }
      return loadView(tx, id, actor);
    });
  } catch (error) {
    if (uniqueViolation(error) === 'api_keys_org_name_unique') throw nameTaken();
    throw error;
  }
}

/**
 * A new secret for the same key. With a grace period, the old secret keeps working next to the new
 * one until `previous_key_expires_at` (at most 7 days, never past the key's own expiry), so callers
 * can switch without downtime; without one it stops on the very next request. Regenerating during an
 * overlap ends the older secret at once: only the two newest secrets ever work.
 */
export async function regenerateApiKey(
  actor: Actor,
  id: string,
  input: RegenerateApiKeyInput = { grace_period_seconds: 0 },
  context?: RequestContext,
): Promise<CreatedApiKey> {
  return changeKey(actor, id, async (tx, key) => {
    refuseIfRevoked(key);
    const now = new Date();
    await checkExpiryPolicy(
      tx,
      key.organisationId,
      key.expiresAt,
      (violation) => `Set an expiry date within the policy before regenerating. ${violation}`,
    );
    const grace = input.grace_period_seconds;
    const previousEndsAt = grace > 0 ? new Date(now.getTime() + grace * 1000) : null;
    if (previousEndsAt && key.expiresAt && previousEndsAt.getTime() > key.expiresAt.getTime()) {
      const message = `The overlap cannot outlast the key itself: it expires at ${key.expiresAt.toISOString()}.`;
      throw new AppError('validation_failed', message, { grace_period_seconds: [message] });
    }
    const { secret, columns } = issueSecret('integration', now);
    const [updated] = await tx
      .update(apiKeys)
      .set({
        ...columns,
        previousKeyHash: previousEndsAt ? key.keyHash : null,
        previousLastFour: previousEndsAt ? key.lastFour : null,
        previousKeyExpiresAt: previousEndsAt,
        previousKeyLastUsedAt: null,
      })
      .where(eq(apiKeys.id, id))
      .returning();
    const changes: Record<string, { before: unknown; after: unknown }> = {
      // The visible identifiers, never the secrets.
      visible_id: { before: visibleIdentifier(key), after: visibleIdentifier(updated) },
      previous_key_expires_at: { before: null, after: previousEndsAt?.toISOString() ?? null },
    };
    if (rotationRunning(key, now)) {
      changes.ended_previous_secret = {
        before: visibleIdentifier({ prefix: key.prefix, lastFour: key.previousLastFour ?? '????' }),
        after: null,
      };
    }
    await recordAudit(tx, {
      actor,
      context,
      action: 'key.regenerated',
      organisationId: key.organisationId,
      target: targetOf(updated),
      changes,
    });
    return { key: await loadView(tx, id, actor), secret };
  });
}

/** Disable (temporary) or enable a key. Revoked keys can never come back. */
export async function setApiKeyEnabled(
  actor: Actor,
  id: string,
  enabled: boolean,
  context?: RequestContext,
): Promise<ApiKeyView> {
  return changeKey(actor, id, async (tx, key) => {
    refuseIfRevoked(key);
    const status = enabled ? 'active' : 'disabled';
    if (key.status === status) return loadView(tx, id, actor);
    const [updated] = await tx
      .update(apiKeys)
      .set({ status, disabledAt: enabled ? null : new Date(), updatedAt: new Date() })
      .where(eq(apiKeys.id, id))
      .returning();
    await recordAudit(tx, {
      actor,
      context,
      action: enabled ? 'key.enabled' : 'key.disabled',
      organisationId: key.organisationId,
      target: targetOf(updated),
      changes: { status: { before: key.status, after: status } },
    });
    return loadView(tx, id, actor);
  });
}

/** Revoke for good. The key stays listed for audit. */
export async function revokeApiKey(actor: Actor, id: string, context?: RequestContext): Promise<ApiKeyView> {
  return changeKey(actor, id, async (tx, key) => {
    if (key.status === 'revoked') return loadView(tx, id, actor);
    const [updated] = await tx
      .update(apiKeys)
      .set({ status: 'revoked', revokedAt: new Date(), updatedAt: new Date() })
      .where(eq(apiKeys.id, id))
      .returning();
    await recordAudit(tx, {
      actor,
      context,
      action: 'key.revoked',
      organisationId: key.organisationId,
      target: targetOf(updated),
      changes: { status: { before: key.status, after: 'revoked' } },
    });
    return loadView(tx, id, actor);
  });
}

/** Delete a key; its audit events stay. Protected keys refuse. */
export async function deleteApiKey(actor: Actor, id: string, context?: RequestContext): Promise<void> {
  await changeKey(actor, id, async (tx, key, tenantIds) => {
    if (key.protected) throw new AppError('key_protected', protectedKeyMessage(id));
    await tx.delete(apiKeys).where(eq(apiKeys.id, id));
    await recordAudit(tx, {
      actor,
      context,
      action: 'key.deleted',
      organisationId: key.organisationId,
      target: targetOf(key),
      changes: diffFields(auditable(key, tenantIds), { status: 'deleted' as ApiKey['status'] }),
    });
  });
}

/** Without a maximum lifetime, "keys must expire" is met by this default when fixing a key. */
const DEFAULT_FIX_DAYS = 365;

/**
 * The one-click fix for a key outside its organisation's key policy: its expiry becomes the latest the
 * policy allows (an ordinary, audited edit).
 */
export async function fitKeyToPolicy(
  actor: Actor,
  id: string,
  context?: RequestContext,
): Promise<ApiKeyView> {
  const view = await getApiKey(actor, id);
  const policy = await keyPolicyOf(db, view.organisationId);
  const latest =
    latestAllowedExpiry(policy) ??
    latestAllowedExpiry({ keysMustExpire: true, maxLifetimeDays: DEFAULT_FIX_DAYS });
  if (!view.outsidePolicy) return view;
  return updateApiKey(actor, id, { expiry_date: latest, allowed_ips: undefined }, context);
}

const LEAK_BANNER_DAYS = 30;

export type LeakedKeyNotice = {
  id: string;
  name: string;
  kind: ApiKey['kind'];
  visibleId: string;
  at: Date;
  url: string | null;
};

/**
 * Keys reported leaked in the last 30 days, for the owners' banners: an admin's organisation's
 * integration keys, or (personal: true) the actor's own personal key.
 */
export async function listLeakedKeys(
  actor: Actor,
  options: { personal?: boolean } = {},
): Promise<LeakedKeyNotice[]> {
  const since = new Date(Date.now() - LEAK_BANNER_DAYS * 24 * 60 * 60 * 1000);
  if (options.personal) {
    if (actor.type !== 'user') return [];
    const rows = await findLeakedKeys({ userId: actor.userId, since });
    return rows.map(noticeOf);
  }
  assertCanManageKeys(actor, 'read');
  return (await findLeakedKeys({ scope: keyScope(actor), since })).map(noticeOf);
}

function noticeOf(r: Awaited<ReturnType<typeof findLeakedKeys>>[number]): LeakedKeyNotice {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    visibleId: visibleIdentifier(r),
    at: r.leakedAt!,
    url: r.leakedUrl,
  };
}
