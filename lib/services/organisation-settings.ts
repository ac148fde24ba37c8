import 'server-only';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { organisations } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { announceKeyChange } from '@/lib/key-check/invalidation';
import { assertCanChangeOrganisationSettings } from '@/lib/access';
import type { KeyPolicy } from '@/lib/keys/policy';
import type { KeyPolicyInput } from '@/lib/validation/key-policy';
import { type Actor, type RequestContext } from '@/lib/actor';
import { recordAudit } from './audit';

export type OrganisationSettings = {
  id: string;
  name: string;
  apiAccessForNonAdmins: boolean;
  keyPolicy: KeyPolicy;
};

const assertMayChangeSettings = assertCanChangeOrganisationSettings;

export async function getOrganisationSettings(
  actor: Actor,
  organisationId: string,
): Promise<OrganisationSettings> {
  assertMayChangeSettings(actor, organisationId);
  const [org] = await db.select().from(organisations).where(eq(organisations.id, organisationId));
  if (!org) throw new AppError('not_found', 'No such organisation.');
  return settingsOf(org);
}

function settingsOf(org: typeof organisations.$inferSelect): OrganisationSettings {
  return {
    id: org.id,
    name: org.name,
    apiAccessForNonAdmins: org.apiAccessForNonAdmins,
    keyPolicy: { keysMustExpire: org.keysMustExpire, maxLifetimeDays: org.keyMaxLifetimeDays },
  };
}

/**
 * The organisation's key policy: "keys must expire", within a maximum lifetime. New, edited and
 * regenerated keys must meet it; keys made before it are listed as outside the policy.
 */
export async function setKeyPolicy(
  actor: Actor,
  organisationId: string,
  input: KeyPolicyInput,
  context?: RequestContext,
): Promise<OrganisationSettings> {
  assertMayChangeSettings(actor, organisationId);
  const policy = {
    keysMustExpire: input.keys_must_expire,
    maxLifetimeDays: input.keys_must_expire ? (input.max_lifetime_days ?? null) : null,
  };
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organisations)
      .where(eq(organisations.id, organisationId))
      .for('update');
    if (!before) throw new AppError('not_found', 'No such organisation.');
    if (
      before.keysMustExpire === policy.keysMustExpire &&
      before.keyMaxLifetimeDays === policy.maxLifetimeDays
    ) {
      return settingsOf(before);
    }
    const [after] = await tx
      .update(organisations)
      .set({
        keysMustExpire: policy.keysMustExpire,
        keyMaxLifetimeDays: policy.maxLifetimeDays,
        updatedAt: new Date(),
      })
      .where(eq(organisations.id, organisationId))
      .returning();
    await recordAudit(tx, {
      actor,
      context,
      action: 'organisation.key_policy_changed',
      organisationId,
      target: { type: 'organisation', id: organisationId, label: before.name },
      changes: {
        keys_must_expire: { before: before.keysMustExpire, after: policy.keysMustExpire },
        max_lifetime_days: { before: before.keyMaxLifetimeDays, after: policy.maxLifetimeDays },
      },
    });
    return settingsOf(after);
  });
}

/**
 * "API access for non-admins". Off: every personal key of a non-admin stops at once (401
 * api_access_disabled) but is kept; on again: they work again. Admins are never affected.
 */
export async function setApiAccessForNonAdmins(
  actor: Actor,
  organisationId: string,
  allowed: boolean,
  context?: RequestContext,
): Promise<OrganisationSettings> {
  assertMayChangeSettings(actor, organisationId);
  const { settings, changed } = await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organisations)
      .where(eq(organisations.id, organisationId))
      .for('update');
    if (!before) throw new AppError('not_found', 'No such organisation.');
    const current = settingsOf(before);
    if (before.apiAccessForNonAdmins === allowed) return { settings: current, changed: false };
    await tx
      .update(organisations)
      .set({ apiAccessForNonAdmins: allowed, updatedAt: new Date() })
      .where(eq(organisations.id, organisationId));
    await recordAudit(tx, {
      actor,
      context,
      action: 'organisation.api_access_changed',
      organisationId,
      target: { type: 'organisation', id: organisationId, label: before.name },
      changes: { api_access_for_non_admins: { before: before.apiAccessForNonAdmins, after: allowed } },
    });
    return { settings: { ...current, apiAccessForNonAdmins: allowed }, changed: true };
  });
  if (changed) announceKeyChange({ organisationId });
  return settings;
}
