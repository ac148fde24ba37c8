import 'server-only';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { organisations } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { announceKeyChange } from '@/lib/key-check/invalidation';
import { assertCanChangeOrganisationSettings } from '@/lib/access';
import { type Actor, type RequestContext } from '@/lib/actor';
import { recordAudit } from './audit';

export type OrganisationSettings = { id: string; name: string; apiAccessForNonAdmins: boolean };

const assertMayChangeSettings = assertCanChangeOrganisationSettings;

export async function getOrganisationSettings(
  actor: Actor,
  organisationId: string,
): Promise<OrganisationSettings> {
  assertMayChangeSettings(actor, organisationId);
  const [org] = await db
    .select({
      id: organisations.id,
      name: organisations.name,
      apiAccessForNonAdmins: organisations.apiAccessForNonAdmins,
    })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!org) throw new AppError('not_found', 'No such organisation.');
  return org;
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
    const current = { id: before.id, name: before.name, apiAccessForNonAdmins: before.apiAccessForNonAdmins };
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
