'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { setApiAccessForNonAdmins, setKeyPolicy } from '@/lib/services/organisation-settings';
import { keyPolicySchema } from '@/lib/validation/key-policy';
import { clearPersonalKey } from '@/lib/services/personal-keys';
import { runServerAction, type ActionState } from '@/lib/server-action';

/**
 * Security settings. Every export is a public endpoint: each runs through runServerAction, takes the
 * organisation from the session (never the form), and leaves who may do what to lib/access through
 * the services (an admin never clears the key of a superadmin, nor another organisation's users').
 */
export type SecurityActionState = ActionState;

const accessSchema = z.object({ allowed: z.enum(['true', 'false']).transform((v) => v === 'true') });

export async function setApiAccessAction(
  _prev: SecurityActionState,
  formData: FormData,
): Promise<SecurityActionState> {
  return runServerAction({
    name: 'setApiAccess',
    audience: 'admin',
    schema: accessSchema,
    input: { allowed: formData.get('allowed') },
    invalidMessage: 'Choose Allowed or Not allowed.',
    run: async ({ actor, user, context, data }) => {
      await setApiAccessForNonAdmins(actor, user.organisationId, data.allowed, context);
      revalidatePath('/admin/security', 'layout');
      revalidatePath('/settings/api');
      return {
        status: 'success',
        message: data.allowed
          ? 'API access for non-admins is allowed.'
          : 'API access for non-admins is turned off: their personal keys are refused until you allow it again.',
      };
    },
  });
}

const clearSchema = z.object({ userId: z.uuid({ error: 'No such user.' }) });

export async function clearUserKeyAction(
  _prev: SecurityActionState,
  formData: FormData,
): Promise<SecurityActionState> {
  return runServerAction({
    name: 'clearUserKey',
    audience: 'admin',
    schema: clearSchema,
    input: { userId: formData.get('userId') },
    invalidMessage: 'No such user.',
    run: async ({ actor, context, data }) => {
      await clearPersonalKey(actor, { userId: data.userId }, context);
      revalidatePath('/admin/security', 'layout');
      return {
        status: 'success',
        message: 'API key cleared. The user must generate a new one to regain access.',
      };
    },
  });
}

export async function setKeyPolicyAction(
  _prev: SecurityActionState,
  formData: FormData,
): Promise<SecurityActionState> {
  const mustExpire = formData.get('keys_must_expire') === 'true';
  const days = formData.get('max_lifetime_days');
  return runServerAction({
    name: 'setKeyPolicy',
    audience: 'admin',
    schema: keyPolicySchema,
    input: {
      keys_must_expire: mustExpire,
      max_lifetime_days: mustExpire && typeof days === 'string' && days !== '' ? Number(days) : null,
    },
    invalidMessage: 'Choose 90, 180 or 365 days, or no maximum.',
    run: async ({ actor, user, context, data }) => {
      await setKeyPolicy(actor, user.organisationId, data, context);
      revalidatePath('/admin/security', 'layout');
      revalidatePath('/admin/api-keys', 'layout');
      return { status: 'success', message: 'Key policy saved.' };
    },
  });
}
