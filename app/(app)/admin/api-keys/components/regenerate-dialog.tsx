'use client';

import { useActionState, useId, useState, startTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { useToast } from '@/components/ui/toast';
import type { ApiKeyView } from '@/lib/services/api-keys';
import { regenerateApiKeyAction, type KeyActionState } from '../actions';

const HOUR = 60 * 60;
/** The overlaps offered: how long the old secret keeps working next to the new one. */
export const GRACE_CHOICES = [
  { seconds: 0, label: 'At once', hint: 'The old secret stops working immediately.' },
  { seconds: HOUR, label: '1 hour', hint: 'Both secrets work for an hour.' },
  { seconds: 24 * HOUR, label: '24 hours', hint: 'Both secrets work for a day.' },
  { seconds: 7 * 24 * HOUR, label: '7 days', hint: 'Both secrets work for a week.' },
] as const;

/** Regenerate with a choice of overlap; shows the new secret once. */
export function RegenerateDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose: () => void }) {
  const toast = useToast();
  const name = useId();
  const [remaining] = useState(() =>
    apiKey.expiresAt ? (apiKey.expiresAt.getTime() - Date.now()) / 1000 : Infinity,
  );
  const [grace, setGrace] = useState(0);
  const [state, dispatch, pending] = useActionState(
    async () => {
      const result = await regenerateApiKeyAction(apiKey.id, grace);
      if (result.status === 'success') toast.success(result.message ?? 'Regenerated.');
      else toast.error(result.message ?? 'Could not regenerate the key.');
      return result;
    },
    { status: 'idle' } as KeyActionState,
  );

  if (state.status === 'success' && state.secret && state.key) {
    return (
      <Dialog title="New key generated" onClose={onClose}>
        <SecretReveal secret={state.secret} visibleId={state.key.visibleId} onDone={onClose} />
      </Dialog>
    );
  }

  return (
    <Dialog title={`Regenerate "${apiKey.name}"?`} onClose={onClose}>
      <div className="space-y-3 text-sm text-slate-700">
        <p>
          A new secret replaces <span className="font-mono">{apiKey.visibleId}</span>. Name, description,
          permissions and tenants stay the same.
        </p>
        <fieldset>
          <legend className="font-medium text-slate-900">Keep the old secret working</legend>
          <div className="mt-2 grid grid-cols-2 gap-2">
            {GRACE_CHOICES.map((choice) => {
              const tooLong = choice.seconds > remaining;
              return (
                <label
                  key={choice.seconds}
                  className={`flex cursor-pointer items-start gap-2 rounded-md border px-3 py-2 ${
                    grace === choice.seconds ? 'border-indigo-500 bg-indigo-50' : 'border-slate-200'
                  } ${tooLong ? 'cursor-not-allowed opacity-50' : ''}`}
                >
                  <input
                    type="radio"
                    name={name}
                    value={choice.seconds}
                    checked={grace === choice.seconds}
                    disabled={tooLong}
                    onChange={() => setGrace(choice.seconds)}
                    className="mt-1"
                  />
                  <span>
                    <span className="block font-medium">{choice.label}</span>
                    <span className="block text-xs text-slate-600">
                      {tooLong ? 'Longer than the key has left.' : choice.hint}
                    </span>
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
        {grace === 0 && (
          <p>
            <strong>The old key stops working at once</strong>: every integration using it fails until it gets
            the new one.
          </p>
        )}
      </div>
      {state.status === 'error' && state.message && (
        <p role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {state.message}
        </p>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button variant="danger" disabled={pending} onClick={() => startTransition(() => dispatch())}>
          {pending ? 'Working…' : 'Regenerate key'}
        </Button>
      </div>
    </Dialog>
  );
}
