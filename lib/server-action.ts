import 'server-only';
import type { z } from 'zod';
import {
  actorFromUser,
  currentRequestContext,
  requireAdmin,
  requireUser,
  type CurrentUser,
} from '@/lib/auth/session';
import { fieldErrorsFromZod, isAppError, type FieldErrors } from '@/lib/errors';
import type { Actor, RequestContext } from '@/lib/actor';
import { logError } from '@/lib/log';

/**
 * The one way a server action runs (dub's authActionClient, without the library): session → actor →
 * zod safeParse → the service, in try/catch → a typed form state. Every export of a 'use server' file
 * is a public endpoint, so:
 *   - who acts comes from the session only; organisation and user ids are never read from the form;
 *   - the input is parsed with safeParse and a failure is an "invalid" state naming the fields;
 *   - an AppError from the service becomes a state with its message (and fields);
 *   - anything else is logged for us without secrets and shown as a generic message.
 * Whether the actor may do the thing is the service's question to lib/access, never the action's.
 */
export type ActionStatus = 'idle' | 'success' | 'invalid' | 'error';

export type ActionState = {
  status: ActionStatus;
  fieldErrors?: Record<string, string[]>;
  message?: string;
};

export const IDLE_STATE: ActionState = { status: 'idle' };

const GENERIC_FAILURE = 'Something went wrong on our side. Try again.';

export type ActionContext<T> = {
  actor: Actor;
  user: CurrentUser;
  context: RequestContext;
  data: T;
};

type ActionOptions<S extends z.ZodType, R extends ActionState> = {
  /** For the logs only. */
  name: string;
  /** Who may call the action at all: any signed-in user, or admins (pages' 403 otherwise). */
  audience?: 'user' | 'admin';
  schema: S;
  /** The raw input (read from FormData or the bound arguments). */
  input: unknown;
  /** Shown when the input does not parse. */
  invalidMessage?: string;
  /** Field errors keyed for the form (e.g. "tenants.0" → "tenants"). */
  formFields?: (fields: FieldErrors) => Record<string, string[]>;
  run: (ctx: ActionContext<z.output<S>>) => Promise<R>;
};

/** Run a server action the one safe way; see the module comment. */
export async function runServerAction<S extends z.ZodType, R extends ActionState>(
  options: ActionOptions<S, R>,
): Promise<R> {
  // Outside the try: requireUser/requireAdmin redirect or render 403 by throwing.
  const user = options.audience === 'admin' ? await requireAdmin() : await requireUser();
  const actor = actorFromUser(user);
  const formFields = options.formFields ?? ((f: FieldErrors) => f);
  const parsed = options.schema.safeParse(options.input);
  if (!parsed.success) {
    return {
      status: 'invalid',
      fieldErrors: formFields(fieldErrorsFromZod(parsed.error.issues)),
      message: options.invalidMessage ?? 'Check the highlighted fields.',
    } as R;
  }
  try {
    const context = await currentRequestContext();
    return await options.run({ actor, user, context, data: parsed.data });
  } catch (error) {
    return failureState(error, options.name, formFields) as R;
  }
}

/** An error as a form state: AppErrors say what went wrong; anything else is logged and hidden. */
export function failureState(
  error: unknown,
  name: string,
  formFields: (fields: FieldErrors) => Record<string, string[]> = (f) => f,
): ActionState {
  if (isAppError(error)) {
    return error.fields
      ? { status: 'invalid', fieldErrors: formFields(error.fields), message: error.message }
      : { status: 'error', message: error.message };
  }
  // Class, code and a scrubbed message only: never parameters, bodies or secrets (lib/log.ts).
  logError(error, 'server action failed', { action: name });
  return { status: 'error', message: GENERIC_FAILURE };
}
