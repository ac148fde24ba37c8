'use server';

import { revalidatePath } from 'next/cache';
import { fieldErrorsFromZod, isAppError } from '@/lib/errors';
import { actorFromUser, currentRequestContext, requireAdmin } from '@/lib/auth/session';
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
import { formFieldErrors, readApiKeyForm } from '@/lib/validation/api-key-form';
import { createApiKeySchema, regenerateApiKeySchema, updateApiKeySchema } from '@/lib/validation/api-keys';

/**
 * Server actions of the API key pages. Every export is a public endpoint: each one re-checks the
 * session and role, takes the organisation and the actor from the session, and leaves every rule
 * (scope, tenants, name uniqueness, revoked-is-final, locking, audit) to lib/services/api-keys.
 */
export type KeyActionState = {
  status: 'idle' | 'success' | 'invalid' | 'error';
  fieldErrors?: Record<string, string[]>;
  message?: string;
  /** The key the action touched, in its masked form only. */
  key?: { id: string; name: string; visibleId: string };
  /** Create and regenerate only: the full key, shown once and never sent again. */
  secret?: string;
};

const LIST_PATH = '/admin/api-keys';

function failure(error: unknown): KeyActionState {
  if (isAppError(error)) {
    return error.fields
      ? { status: 'invalid', fieldErrors: formFieldErrors(error.fields), message: error.message }
      : { status: 'error', message: error.message };
  }
  // Unknown errors are logged for us and never shown (they may carry SQL or internals).
  console.error('API key action failed', error);
  return { status: 'error', message: 'Something went wrong on our side. Try again.' };
}

function revalidate(id?: string) {
  revalidatePath(LIST_PATH);
  if (id) revalidatePath(`${LIST_PATH}/${id}`);
}

async function actor() {
  const user = await requireAdmin();
  return { actor: actorFromUser(user), context: await currentRequestContext() };
}

export async function createApiKeyAction(_prev: KeyActionState, formData: FormData): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  const parsed = createApiKeySchema.safeParse(readApiKeyForm(formData, 'create'));
  if (!parsed.success) {
    return {
      status: 'invalid',
      fieldErrors: formFieldErrors(fieldErrorsFromZod(parsed.error.issues)),
      message: 'Check the highlighted fields.',
    };
  }
  try {
    const { key, secret } = await createApiKey(who, parsed.data, context);
    revalidate();
    return {
      status: 'success',
      message: `API key "${key.name}" created.`,
      key: { id: key.id, name: key.name, visibleId: key.visibleId },
      secret,
    };
  } catch (error) {
    return failure(error);
  }
}

export async function updateApiKeyAction(
  id: string,
  _prev: KeyActionState,
  formData: FormData,
): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  const parsed = updateApiKeySchema.safeParse(readApiKeyForm(formData, 'update'));
  if (!parsed.success) {
    return {
      status: 'invalid',
      fieldErrors: formFieldErrors(fieldErrorsFromZod(parsed.error.issues)),
      message: 'Check the highlighted fields.',
    };
  }
  try {
    const key = await updateApiKey(who, id, parsed.data, context);
    revalidate(id);
    return {
      status: 'success',
      message: `API key "${key.name}" saved.`,
      key: { id: key.id, name: key.name, visibleId: key.visibleId },
    };
  } catch (error) {
    return failure(error);
  }
}

export async function regenerateApiKeyAction(id: string, graceSeconds: unknown = 0): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  const parsed = regenerateApiKeySchema.safeParse({ grace_period_seconds: graceSeconds });
  if (!parsed.success)
    return { status: 'error', message: parsed.error.issues[0]?.message ?? 'Choose an overlap.' };
  try {
    const { key, secret } = await regenerateApiKey(who, id, parsed.data, context);
    revalidate(id);
    return {
      status: 'success',
      message: key.rotation
        ? `API key "${key.name}" regenerated. The old secret works until ${key.rotation.endsAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`
        : `API key "${key.name}" regenerated. The old key no longer works.`,
      key: { id: key.id, name: key.name, visibleId: key.visibleId },
      secret,
    };
  } catch (error) {
    return failure(error);
  }
}

export async function setApiKeyEnabledAction(id: string, enabled: boolean): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  try {
    const key = await setApiKeyEnabled(who, id, enabled, context);
    revalidate(id);
    return {
      status: 'success',
      message: `API key "${key.name}" ${enabled ? 'enabled' : 'disabled'}.`,
      key: { id: key.id, name: key.name, visibleId: key.visibleId },
    };
  } catch (error) {
    return failure(error);
  }
}

export async function revokeApiKeyAction(id: string): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  try {
    const key = await revokeApiKey(who, id, context);
    revalidate(id);
    return {
      status: 'success',
      message: `API key "${key.name}" revoked.`,
      key: { id: key.id, name: key.name, visibleId: key.visibleId },
    };
  } catch (error) {
    return failure(error);
  }
}

/**
 * From the detail page (`from` = "detail") the page is not re-rendered: the client leaves for the
 * list, rather than flashing a "not found" for the key that just went.
 */
export async function deleteApiKeyAction(id: string, from: 'list' | 'detail'): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  try {
    await deleteApiKey(who, id, context);
    if (from === 'list') revalidate(id);
    return { status: 'success', message: 'API key deleted. Its audit trail is kept.' };
  } catch (error) {
    return failure(error);
  }
}

export async function endRotationAction(id: string): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  try {
    const key = await endRotationNow(who, id, context);
    revalidate(id);
    return {
      status: 'success',
      message: `The old secret of "${key.name}" no longer works.`,
      key: { id: key.id, name: key.name, visibleId: key.visibleId },
    };
  } catch (error) {
    return failure(error);
  }
}

export async function fitKeyToPolicyAction(id: string): Promise<KeyActionState> {
  const { actor: who, context } = await actor();
  try {
    const key = await fitKeyToPolicy(who, id, context);
    revalidate(id);
    return {
      status: 'success',
      message: `"${key.name}" now expires ${key.expiresAt?.toISOString().slice(0, 10)}, within the policy.`,
      key: { id: key.id, name: key.name, visibleId: key.visibleId },
    };
  } catch (error) {
    return failure(error);
  }
}
