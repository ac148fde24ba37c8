'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { clearPersonalKey, createPersonalKey, regeneratePersonalKey } from '@/lib/services/personal-keys';
import { runServerAction, type ActionState } from '@/lib/server-action';

/**
 * The user's own API key (no form fields: there is nothing to choose). Every export is a public
 * endpoint: each runs through runServerAction, takes the user from the session (never the form) and
 * leaves the rules — the organisation switch, one key per user, audit — to the service and lib/access.
 */
export type PersonalKeyActionState = ActionState & {
  /** Turn on and regenerate only: the full key, shown once and never sent again. */
  secret?: string;
  visibleId?: string;
};

const noInput = z.unknown();

function revalidate() {
  revalidatePath('/settings/api');
  revalidatePath('/admin/security', 'layout');
}

export async function turnOnPersonalKeyAction(): Promise<PersonalKeyActionState> {
  return runServerAction({
    name: 'turnOnPersonalKey',
    schema: noInput,
    input: undefined,
    run: async ({ actor, context }): Promise<PersonalKeyActionState> => {
      const { key, secret } = await createPersonalKey(actor, context);
      revalidate();
      return { status: 'success', message: 'Your API key is on.', secret, visibleId: key.visibleId };
    },
  });
}

export async function regeneratePersonalKeyAction(): Promise<PersonalKeyActionState> {
  return runServerAction({
    name: 'regeneratePersonalKey',
    schema: noInput,
    input: undefined,
    run: async ({ actor, context }): Promise<PersonalKeyActionState> => {
      const { key, secret } = await regeneratePersonalKey(actor, context);
      revalidate();
      return {
        status: 'success',
        message: 'A new key was generated; the old one no longer works.',
        secret,
        visibleId: key.visibleId,
      };
    },
  });
}

export async function turnOffPersonalKeyAction(): Promise<PersonalKeyActionState> {
  return runServerAction({
    name: 'turnOffPersonalKey',
    schema: noInput,
    input: undefined,
    run: async ({ actor, context }): Promise<PersonalKeyActionState> => {
      await clearPersonalKey(actor, {}, context);
      revalidate();
      return { status: 'success', message: 'Your API key is off and no longer works.' };
    },
  });
}
