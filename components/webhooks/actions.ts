'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { isAppError } from '@/lib/errors';
import { actorFromUser, currentRequestContext, requireUser } from '@/lib/auth/session';
import { setWebhookStatus } from '@/lib/services/webhooks';
import { WEBHOOK_SETTABLE_STATUSES } from '@/lib/validation/webhooks';
import { logError } from '@/lib/log';

export type WebhookActionState = { status: 'idle' | 'success' | 'error'; message?: string };

const formSchema = z.object({
  id: z.uuid(),
  status: z.enum(WEBHOOK_SETTABLE_STATUSES),
});

/**
 * Pause or play a webhook, from the user's API page or an admin's view of a user. A public endpoint
 * like every server action: the session decides who acts, and the service decides whether they may
 * (the key's user, or an admin of its organisation) — the id from the form is only a request.
 */
export async function setWebhookStatusAction(
  _prev: WebhookActionState,
  formData: FormData,
): Promise<WebhookActionState> {
  const user = await requireUser();
  const parsed = formSchema.safeParse({ id: formData.get('id'), status: formData.get('status') });
  if (!parsed.success) return { status: 'error', message: 'This webhook cannot be changed.' };
  try {
    await setWebhookStatus(
      actorFromUser(user),
      parsed.data.id,
      { status: parsed.data.status },
      await currentRequestContext(),
    );
  } catch (error) {
    if (isAppError(error)) return { status: 'error', message: error.message };
    logError(error, 'webhook action failed');
    return { status: 'error', message: 'Something went wrong on our side. Try again.' };
  }
  revalidatePath('/settings/api');
  revalidatePath('/admin/security', 'layout');
  return {
    status: 'success',
    message: parsed.data.status === 'paused' ? 'Webhook paused.' : 'Webhook resumed.',
  };
}
