'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import {
  createApiKey,
  deleteApiKey,
  fitKeyToPolicy,
  regenerateApiKey,
  revokeApiKey,
  setApiKeyEnabled,
  updateApiKey,
} from '@/lib/services/api-keys';
import { endRotationNow } from '@/lib/services/key-rotation';
import type { Actor, RequestContext } from '@/lib/actor';
import { formatDateTime, formatExpiry } from '@/lib/format';
import { runServerAction, type ActionState } from '@/lib/server-action';
import { formFieldErrors, readApiKeyForm } from '@/lib/validation/api-key-form';
import {
  createApiKeySchema,
  regenerateApiKeySchema,
  updateApiKeySchema,
  type ApiKeyView,
} from '@/lib/validation/api-keys';

/**
 * Server actions of the API key pages. Every export is a public endpoint: each runs through
 * runServerAction (session → actor → zod → service → state), takes the actor from the session, and
 * leaves every rule (reach, grants, name uniqueness, revoked-is-final, locking, audit) to
 * lib/services/api-keys and lib/access. A key id from the page is only a request: out of reach is 404.
 */
export type KeyActionState = ActionState & {
  /** The key the action touched, in its masked form only. */
  key?: { id: string; name: string; visibleId: string };
  /** Create and regenerate only: the full key, shown once and never sent again. */
  secret?: string;
};

const LIST_PATH = '/admin/api-keys';
const idSchema = z.uuid({ error: 'No such API key.' });

function revalidate(id?: string) {
  revalidatePath(LIST_PATH);
  if (id) revalidatePath(`${LIST_PATH}/${id}`);
}

const masked = (key: { id: string; name: string; visibleId: string }) => ({
  id: key.id,
  name: key.name,
  visibleId: key.visibleId,
});

export async function createApiKeyAction(_prev: KeyActionState, formData: FormData): Promise<KeyActionState> {
  return runServerAction({
    name: 'createApiKey',
    audience: 'admin',
    schema: createApiKeySchema,
    input: readApiKeyForm(formData, 'create'),
    formFields: formFieldErrors,
    run: async ({ actor, context, data }): Promise<KeyActionState> => {
      const { key, secret } = await createApiKey(actor, data, context);
      revalidate();
      return { status: 'success', message: `API key "${key.name}" created.`, key: masked(key), secret };
    },
  });
}

export async function updateApiKeyAction(
  id: string,
  _prev: KeyActionState,
  formData: FormData,
): Promise<KeyActionState> {
  return runServerAction({
    name: 'updateApiKey',
    audience: 'admin',
    schema: z.object({ id: idSchema, input: updateApiKeySchema }),
    input: { id, input: readApiKeyForm(formData, 'update') },
    formFields: (fields) =>
      formFieldErrors(
        Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.replace(/^input\.?/, ''), v])),
      ),
    run: async ({ actor, context, data }): Promise<KeyActionState> => {
      const key = await updateApiKey(actor, data.id, data.input, context);
      revalidate(data.id);
      return { status: 'success', message: `API key "${key.name}" saved.`, key: masked(key) };
    },
  });
}

export async function regenerateApiKeyAction(id: string, graceSeconds: unknown = 0): Promise<KeyActionState> {
  return runServerAction({
    name: 'regenerateApiKey',
    audience: 'admin',
    schema: z.object({ id: idSchema, input: regenerateApiKeySchema }),
    input: { id, input: { grace_period_seconds: graceSeconds } },
    invalidMessage: 'Choose how long the old secret keeps working (at most 7 days).',
    run: async ({ actor, context, data }): Promise<KeyActionState> => {
      const { key, secret } = await regenerateApiKey(actor, data.id, data.input, context);
      revalidate(data.id);
      return {
        status: 'success',
        message: key.rotation
          ? `API key "${key.name}" regenerated. The old secret works until ${formatDateTime(key.rotation.endsAt)}.`
          : `API key "${key.name}" regenerated. The old key no longer works.`,
        key: masked(key),
        secret,
      };
    },
  });
}

export async function setApiKeyEnabledAction(id: string, enabled: boolean): Promise<KeyActionState> {
  return runServerAction({
    name: 'setApiKeyEnabled',
    audience: 'admin',
    schema: z.object({ id: idSchema, enabled: z.boolean() }),
    input: { id, enabled },
    invalidMessage: 'No such API key.',
    run: async ({ actor, context, data }): Promise<KeyActionState> => {
      const key = await setApiKeyEnabled(actor, data.id, data.enabled, context);
      revalidate(data.id);
      return {
        status: 'success',
        message: `API key "${key.name}" ${data.enabled ? 'enabled' : 'disabled'}.`,
        key: masked(key),
      };
    },
  });
}

/** Protect or unprotect without the whole edit form (the delete dialog of a protected key offers it). */
export async function setApiKeyProtectedAction(id: string, value: boolean): Promise<KeyActionState> {
  return runServerAction({
    name: 'setApiKeyProtected',
    audience: 'admin',
    schema: z.object({ id: idSchema, input: updateApiKeySchema }),
    input: { id, input: { protected: value } },
    invalidMessage: 'No such API key.',
    run: async ({ actor, context, data }): Promise<KeyActionState> => {
      const key = await updateApiKey(actor, data.id, data.input, context);
      revalidate(data.id);
      return {
        status: 'success',
        message: `API key "${key.name}" ${data.input.protected ? 'protected' : 'unprotected'}.`,
        key: masked(key),
      };
    },
  });
}

/**
 * An action on one key named only by its id: the id parsed, the service's change, the pages
 * revalidated, and the message for the toast. (Not exported: only the actions below are endpoints.)
 */
function runKeyAction(
  name: string,
  id: string,
  change: (actor: Actor, id: string, context: RequestContext) => Promise<ApiKeyView>,
  message: (key: ApiKeyView) => string,
): Promise<KeyActionState> {
  return runServerAction({
    name,
    audience: 'admin',
    schema: idSchema,
    input: id,
    invalidMessage: 'No such API key.',
    run: async ({ actor, context, data }): Promise<KeyActionState> => {
      const key = await change(actor, data, context);
      revalidate(data);
      return { status: 'success', message: message(key), key: masked(key) };
    },
  });
}

export async function revokeApiKeyAction(id: string): Promise<KeyActionState> {
  return runKeyAction('revokeApiKey', id, revokeApiKey, (key) => `API key "${key.name}" revoked.`);
}

/**
 * From the detail page (`from` = "detail") the page is not re-rendered: the client leaves for the
 * list, rather than flashing a "not found" for the key that just went.
 */
export async function deleteApiKeyAction(id: string, from: 'list' | 'detail'): Promise<KeyActionState> {
  return runServerAction({
    name: 'deleteApiKey',
    audience: 'admin',
    schema: z.object({ id: idSchema, from: z.enum(['list', 'detail']) }),
    input: { id, from },
    invalidMessage: 'No such API key.',
    run: async ({ actor, context, data }): Promise<KeyActionState> => {
      await deleteApiKey(actor, data.id, context);
      if (data.from === 'list') revalidate(data.id);
      return { status: 'success', message: 'API key deleted. Its audit trail is kept.' };
    },
  });
}

export async function endRotationAction(id: string): Promise<KeyActionState> {
  return runKeyAction(
    'endRotation',
    id,
    endRotationNow,
    (key) => `The old secret of "${key.name}" no longer works.`,
  );
}

export async function fitKeyToPolicyAction(id: string): Promise<KeyActionState> {
  return runKeyAction(
    'fitKeyToPolicy',
    id,
    fitKeyToPolicy,
    // The last day the key works, as the list and the detail page show its expiry.
    (key) => `"${key.name}" now expires ${formatExpiry(key.expiresAt)}, within the policy.`,
  );
}
