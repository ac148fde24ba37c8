'use client';

import { startTransition, useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { useToast } from '@/components/ui/toast';
import { callAction } from '@/lib/client/call-action';
import type { KeyActionState } from '../actions';

/**
 * THE confirmation dialog of the key pages, around one server action: the question as children, the
 * error beside the buttons, Cancel and the confirm button. Regenerate shows the new secret in it, once.
 */
export function ConfirmAction({
  title,
  confirmLabel,
  action,
  onClose,
  onSuccess,
  showsSecret,
  failureToast,
  children,
}: {
  title: string;
  confirmLabel: string;
  action: (prev: KeyActionState) => Promise<KeyActionState>;
  onClose: () => void;
  onSuccess?: () => void;
  /** Regenerate: on success the dialog stays open, under this title, and shows the new secret once. */
  showsSecret?: string;
  /** Regenerate: a failure is also toasted (as well as shown in the dialog), with this fallback text. */
  failureToast?: string;
  children: React.ReactNode;
}) {
  const toast = useToast();
  // Toasts and closing happen here, not in an effect: a revoked or deleted key may leave the list
  // (and this dialog with it) in the same render that delivers the result.
  const [state, dispatch, pending] = useActionState(
    async (prev: KeyActionState) => {
      const result = await callAction(() => action(prev));
      if (result.status === 'success') {
        toast.success(result.message ?? 'Done.');
        if (!showsSecret) {
          onClose();
          onSuccess?.();
        }
      }
      // A failure is shown in the dialog, with a retry: the dialog stays open and usable.
      else if (failureToast) toast.error(result.message ?? failureToast);
      return result;
    },
    { status: 'idle' } as KeyActionState,
  );

  if (showsSecret && state.status === 'success' && state.secret && state.key) {
    return (
      <Dialog title={showsSecret} onClose={onClose}>
        <SecretReveal secret={state.secret} visibleId={state.key.visibleId} onDone={onClose} />
      </Dialog>
    );
  }

  return (
    <Dialog title={title} onClose={onClose}>
      <div className="space-y-3 text-sm text-slate-700">{children}</div>
      {state.status !== 'idle' && state.status !== 'success' && state.message && (
        <p role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {state.message}
        </p>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button variant="danger" disabled={pending} onClick={() => startTransition(() => dispatch())}>
          {pending ? 'Working…' : confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
