'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { setWebhookStatus } from '@/lib/services/webhooks';
import { runServerAction, type ActionState } from '@/lib/server-action';
import { WEBHOOK_SETTABLE_STATUSES } from '@/lib/validation/webhooks';

export type WebhookActionState = ActionState;

const formSchema = z.object({
  id: z.uuid(),
  status: z.enum(WEBHOOK_SETTABLE_STATUSES),
});

/**
 * Pause or play a webhook, from the user's API page or an admin's view of a user. A public endpoint
 * like every server action: the session decides who acts, and lib/access (through the service)
 * whether they may — the key's user, or an admin who reaches the key or its user; never a higher
 * role's. The id from the form is only a request: out of reach is "not found".
 */
export async function setWebhookStatusAction(
  _prev: WebhookActionState,
  formData: FormData,
): Promise<WebhookActionState> {
  return runServerAction({
    name: 'setWebhookStatus',
    schema: formSchema,
    input: { id: formData.get('id'), status: formData.get('status') },
    invalidMessage: 'This webhook cannot be changed.',
    run: async ({ actor, context, data }) => {
      await setWebhookStatus(actor, data.id, { status: data.status }, context);
      revalidatePath('/settings/api');
      revalidatePath('/admin/security', 'layout');
      return {
        status: 'success',
        message: data.status === 'paused' ? 'Webhook paused.' : 'Webhook resumed.',
      };
    },
  });
}
