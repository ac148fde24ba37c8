'use server';

import { revalidatePath } from 'next/cache';
import { isAppError } from '@/lib/errors';
import { actorFromUser, currentRequestContext, requireUser } from '@/lib/auth/session';
import { clearPersonalKey, createPersonalKey, regeneratePersonalKey } from '@/lib/services/personal-keys';
import { logError } from '@/lib/log';

/**
 * The user's own API key (they take no form fields: there is nothing to choose). Every export is a public endpoint: each takes the user from the session
 * (never from the form) and leaves the rules — the organisation switch, one key per user, audit —
 * to lib/services/personal-keys.
 */
export type PersonalKeyActionState = {
  status: 'idle' | 'success' | 'error';
  message?: string;
  /** Turn on and regenerate only: the full key, shown once and never sent again. */
  secret?: string;
  visibleId?: string;
};

async function who() {
  const user = await requireUser();
  return { actor: actorFromUser(user), context: await currentRequestContext() };
}

function failure(error: unknown): PersonalKeyActionState {
  if (isAppError(error)) return { status: 'error', message: error.message };
  logError(error, 'personal key action failed');
  return { status: 'error', message: 'Something went wrong on our side. Try again.' };
}

function revalidate() {
  revalidatePath('/settings/api');
  revalidatePath('/admin/security', 'layout');
}

export async function turnOnPersonalKeyAction(): Promise<PersonalKeyActionState> {
  const { actor, context } = await who();
  try {
    const { key, secret } = await createPersonalKey(actor, context);
    revalidate();
    return { status: 'success', message: 'Your API key is on.', secret, visibleId: key.visibleId };
  } catch (error) {
    return failure(error);
  }
}

export async function regeneratePersonalKeyAction(): Promise<PersonalKeyActionState> {
  const { actor, context } = await who();
  try {
    const { key, secret } = await regeneratePersonalKey(actor, context);
    revalidate();
    return {
      status: 'success',
      message: 'A new key was generated; the old one no longer works.',
      secret,
      visibleId: key.visibleId,
    };
  } catch (error) {
    return failure(error);
  }
}

export async function turnOffPersonalKeyAction(): Promise<PersonalKeyActionState> {
  const { actor, context } = await who();
  try {
    await clearPersonalKey(actor, {}, context);
    revalidate();
    return { status: 'success', message: 'Your API key is off and no longer works.' };
  } catch (error) {
    return failure(error);
  }
}
