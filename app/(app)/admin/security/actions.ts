'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { isAppError } from '@/lib/errors';
import { actorFromUser, currentRequestContext, requireAdmin } from '@/lib/auth/session';
import { setApiAccessForNonAdmins, setKeyPolicy } from '@/lib/services/organisation-settings';
import { keyPolicySchema } from '@/lib/validation/key-policy';
import { clearPersonalKey } from '@/lib/services/personal-keys';

/**
 * Security settings. Every export is a public endpoint: each checks for an admin first, takes the
 * organisation from the session, and leaves scope, locking and audit to lib/services.
 */
export type SecurityActionState = { status: 'idle' | 'success' | 'error'; message?: string };

function failure(error: unknown): SecurityActionState {
  if (isAppError(error)) return { status: 'error', message: error.message };
  console.error('security action failed', error);
  return { status: 'error', message: 'Something went wrong on our side. Try again.' };
}

const accessSchema = z.object({ allowed: z.enum(['true', 'false']).transform((v) => v === 'true') });

export async function setApiAccessAction(
  _prev: SecurityActionState,
  formData: FormData,
): Promise<SecurityActionState> {
  const user = await requireAdmin();
  const parsed = accessSchema.safeParse({ allowed: formData.get('allowed') });
  if (!parsed.success) return { status: 'error', message: 'Choose Allowed or Not allowed.' };
  try {
    await setApiAccessForNonAdmins(
      actorFromUser(user),
      user.organisationId,
      parsed.data.allowed,
      await currentRequestContext(),
    );
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/admin/security', 'layout');
  revalidatePath('/settings/api');
  return {
    status: 'success',
    message: parsed.data.allowed
      ? 'API access for non-admins is allowed.'
      : 'API access for non-admins is turned off: their personal keys are refused until you allow it again.',
  };
}

const clearSchema = z.object({ userId: z.uuid() });

export async function clearUserKeyAction(
  _prev: SecurityActionState,
  formData: FormData,
): Promise<SecurityActionState> {
  const user = await requireAdmin();
  const parsed = clearSchema.safeParse({ userId: formData.get('userId') });
  if (!parsed.success) return { status: 'error', message: 'No such user.' };
  try {
    await clearPersonalKey(
      actorFromUser(user),
      { userId: parsed.data.userId },
      await currentRequestContext(),
    );
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/admin/security', 'layout');
  return {
    status: 'success',
    message: 'API key cleared. The user must generate a new one to regain access.',
  };
}

export async function setKeyPolicyAction(
  _prev: SecurityActionState,
  formData: FormData,
): Promise<SecurityActionState> {
  const user = await requireAdmin();
  const mustExpire = formData.get('keys_must_expire') === 'true';
  const days = formData.get('max_lifetime_days');
  const parsed = keyPolicySchema.safeParse({
    keys_must_expire: mustExpire,
    max_lifetime_days: mustExpire && typeof days === 'string' && days !== '' ? Number(days) : null,
  });
  if (!parsed.success)
    return { status: 'error', message: parsed.error.issues[0]?.message ?? 'Check the policy.' };
  try {
    await setKeyPolicy(actorFromUser(user), user.organisationId, parsed.data, await currentRequestContext());
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/admin/security', 'layout');
  revalidatePath('/admin/api-keys', 'layout');
  return { status: 'success', message: 'Key policy saved.' };
}
