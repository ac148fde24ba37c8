import 'server-only';
import { eq } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import {
  findLivePersonalKey,
  findPersonalKeyIds,
  findUserInOrganisation,
  listLivePersonalKeys,
} from '@/db/queries/personal-keys';
import { cancelPendingDeliveries, disableWebhooksOfKey } from '@/db/queries/webhooks';
import { uniqueViolation } from '@/db/rows';
import { apiKeys, organisations, type ApiKey } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { visibleIdentifier } from '@/lib/keys/format';
import { issueSecret } from '@/lib/keys/issue';
import { announceKeyChange } from '@/lib/key-check/invalidation';
import {
  assertIsSignedInUser,
  canManageUser,
  canSeeUsersPersonalKeys,
  mayHavePersonalKey,
  organisationInScope,
  organisationScope,
} from '@/lib/access';
import { type Actor, type RequestContext } from '@/lib/actor';
import { recordAudit } from './audit';
import { listWebhooksWithDeliveries, type WebhookWithDeliveries } from './webhooks';
import { isUuid } from '@/lib/ids';

/**
 * Personal keys: a user's own API key (pat_live_…), at most one live per user. It acts as its user:
 * lib/keys/verify.ts gives it the user's CURRENT role at every request, refuses it when the user is
 * disabled, and — for non-admins — when the organisation's "API access for non-admins" is off.
 */

export type PersonalKeyView = {
  id: string;
  visibleId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  regeneratedAt: Date | null;
};

function toView(key: ApiKey): PersonalKeyView {
  return {
    id: key.id,
    visibleId: visibleIdentifier(key),
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    regeneratedAt: key.regeneratedAt,
  };
}

type UserActor = Extract<Actor, { type: 'user' }>;

const asUser = assertIsSignedInUser;

function target(key: ApiKey, email: string) {
  return { type: 'api_key', id: key.id, label: `Personal key of ${email} (${visibleIdentifier(key)})` };
}

async function organisationAllowsNonAdminApi(tx: Executor, organisationId: string): Promise<boolean> {
  const [org] = await tx
    .select({ allowed: organisations.apiAccessForNonAdmins })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  return Boolean(org?.allowed);
}

/** Admins always have API access; users only while their organisation allows it (lib/access.ts rule 6). */
async function assertMayHaveKey(tx: Executor, actor: UserActor): Promise<void> {
  if (!mayHavePersonalKey(actor.role, await organisationAllowsNonAdminApi(tx, actor.organisationId))) {
    throw new AppError(
      'api_access_disabled',
      "Your organisation doesn't allow API access for non-admins. Ask an admin to allow it.",
    );
  }
}

export type PersonalKeyOverview = {
  key: PersonalKeyView | null;
  /** Whether this user may turn a key on (admins always; users when the organisation allows it). */
  allowed: boolean;
  webhooks: WebhookWithDeliveries[];
};

/** What /settings/api shows: the user's key (masked), whether they may have one, its webhooks. */
export async function getPersonalKeyOverview(actor: Actor): Promise<PersonalKeyOverview> {
  const user = asUser(actor);
  const key = await findLivePersonalKey({ userId: user.userId });
  const allowed = mayHavePersonalKey(user.role, await organisationAllowsNonAdminApi(db, user.organisationId));
  return {
    key: key ? toView(key) : null,
    allowed,
    webhooks: await listWebhooksWithDeliveries(await findPersonalKeyIds({ userId: user.userId })),
  };
}

export type CreatedPersonalKey = { key: PersonalKeyView; secret: string };

/** Turn the toggle on: a new personal key; the returned secret is the only copy there will ever be. */
export async function createPersonalKey(actor: Actor, context?: RequestContext): Promise<CreatedPersonalKey> {
  const user = asUser(actor);
  const { secret, columns } = issueSecret('personal');
  try {
    const key = await db.transaction(async (tx) => {
      await assertMayHaveKey(tx, user);
      if (await findLivePersonalKey({ userId: user.userId, db: tx })) throw alreadyHasKey();
      const [created] = await tx
        .insert(apiKeys)
        .values({
          organisationId: user.organisationId,
          kind: 'personal',
          userId: user.userId,
          name: 'Personal key',
          ...columns,
          // Never read for a personal key: the user's role decides at each request.
          permissions: [],
          createdByUserId: user.userId,
        })
        .returning();
      await recordAudit(tx, {
        actor,
        context,
        action: 'personal_key.created',
        organisationId: user.organisationId,
        target: target(created, user.label),
        changes: { status: { before: null, after: 'active' } },
      });
      return created;
    });
    announceKeyChange({ keyIds: [key.id], userId: user.userId });
    return { key: toView(key), secret };
  } catch (error) {
    // Two tabs turning the toggle on at once: the partial unique index lets exactly one win.
    if (uniqueViolation(error) === 'api_keys_one_personal_key') throw alreadyHasKey();
    throw error;
  }
}

function alreadyHasKey(): AppError {
  return new AppError('conflict', 'You already have a personal key: regenerate it, or turn it off first.');
}

function noKey(): AppError {
  return new AppError('not_found', 'There is no personal key to change.');
}

/** A new secret for the user's key; the old one fails on the very next request. Webhooks stay. */
export async function regeneratePersonalKey(
  actor: Actor,
  context?: RequestContext,
): Promise<CreatedPersonalKey> {
  const user = asUser(actor);
  const { key, secret } = await db.transaction(async (tx) => {
    await assertMayHaveKey(tx, user);
    const current = await findLivePersonalKey({ userId: user.userId, forUpdate: true, db: tx });
    if (!current) throw noKey();
    const { secret, columns } = issueSecret('personal', new Date());
    const [updated] = await tx.update(apiKeys).set(columns).where(eq(apiKeys.id, current.id)).returning();
    await recordAudit(tx, {
      actor,
      context,
      action: 'personal_key.regenerated',
      organisationId: user.organisationId,
      target: target(updated, user.label),
      changes: { visible_id: { before: visibleIdentifier(current), after: visibleIdentifier(updated) } },
    });
    return { key: updated, secret };
  });
  announceKeyChange({ keyIds: [key.id], userId: user.userId });
  return { key: toView(key), secret };
}

/**
 * Clear a personal key (revoke it): the user turning the toggle off, or an admin's "Clear API key".
 * Its webhooks are switched off and their queued deliveries cancelled, in the same transaction.
 */
export async function clearPersonalKey(
  actor: Actor,
  { userId }: { userId?: string } = {},
  context?: RequestContext,
): Promise<void> {
  const self = assertIsSignedInUser(actor);
  const ownerId = userId ?? self.userId;
  if (ownerId !== self.userId && !canSeeUsersPersonalKeys(actor)) {
    throw new AppError('forbidden', "Only admins can clear another user's API key.");
  }
  const cleared = await db.transaction(async (tx) => {
    const owner = await findUserInOrganisation({ id: ownerId, db: tx });
    // Rule 5: own key, or an admin within their organisation, never a user of a higher role.
    if (!owner || !canManageUser(actor, owner)) throw noKey();
    const key = await findLivePersonalKey({ userId: ownerId, forUpdate: true, db: tx });
    if (!key) throw noKey();
    const now = new Date();
    const [revoked] = await tx
      .update(apiKeys)
      .set({ status: 'revoked', revokedAt: now, updatedAt: now })
      .where(eq(apiKeys.id, key.id))
      .returning();
    const switchedOff = await disableWebhooksOfKey({ apiKeyId: key.id, reason: 'key_cleared', db: tx });
    await cancelPendingDeliveries({
      webhookIds: switchedOff,
      reason: 'The API key of this webhook was cleared.',
      db: tx,
    });
    await recordAudit(tx, {
      actor,
      context,
      action: 'personal_key.cleared',
      organisationId: owner.organisationId,
      target: target(revoked, owner.email),
      changes: {
        status: { before: key.status, after: 'revoked' },
        ...(switchedOff.length ? { webhooks_switched_off: { before: 0, after: switchedOff.length } } : {}),
      },
    });
    return revoked;
  });
  announceKeyChange({ keyIds: [cleared.id], userId: ownerId });
}

export type PersonalKeyRow = {
  user: { id: string; name: string; email: string; role: string };
  organisation: { id: string; name: string };
  key: PersonalKeyView;
  webhooksCount: number;
  /** Whether the actor may clear this key (never a user of a higher role: lib/access.ts rule 5). */
  canManage: boolean;
};

function assertAdmin(actor: Actor): void {
  if (!canSeeUsersPersonalKeys(actor)) {
    throw new AppError('forbidden', 'Only admins can see the API keys of other users.');
  }
}

/** "API Management": every user in the admin's scope with a live personal key. */
export async function listPersonalKeys(actor: Actor): Promise<PersonalKeyRow[]> {
  assertAdmin(actor);
  const rows = await listLivePersonalKeys({ scope: organisationScope(actor) });
  return rows.map((r) => ({
    user: r.user,
    organisation: r.organisation,
    key: toView(r.key),
    webhooksCount: Number(r.webhooksCount),
    canManage: canManageUser(actor, { ...r.user, organisationId: r.organisation.id }),
  }));
}

/** One user's personal key and the webhooks registered on it, for an admin. */
export async function getUserPersonalKey(actor: Actor, userId: string) {
  assertAdmin(actor);
  if (!isUuid(userId)) throw new AppError('not_found', 'No such user.');
  const owner = await findUserInOrganisation({ id: userId });
  if (!owner || !organisationInScope(organisationScope(actor), owner.organisationId)) {
    throw new AppError('not_found', 'No such user.');
  }
  const key = await findLivePersonalKey({ userId });
  return {
    user: owner,
    canManage: canManageUser(actor, owner),
    key: key ? toView(key) : null,
    webhooks: await listWebhooksWithDeliveries(await findPersonalKeyIds({ userId })),
  };
}
