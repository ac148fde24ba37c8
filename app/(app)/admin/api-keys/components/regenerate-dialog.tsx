'use client';

import { useId, useState } from 'react';
import type { ApiKeyView } from '@/lib/validation/api-keys';
import { regenerateApiKeyAction } from '../actions';
import { ConfirmAction } from './confirm-action';

const HOUR = 60 * 60;
/** The overlaps offered: how long the old secret keeps working next to the new one. */
export const GRACE_CHOICES = [
  { seconds: 0, label: 'At once', hint: 'The old secret stops working immediately.' },
  { seconds: HOUR, label: '1 hour', hint: 'Both secrets work for an hour.' },
  { seconds: 24 * HOUR, label: '24 hours', hint: 'Both secrets work for a day.' },
  { seconds: 7 * 24 * HOUR, label: '7 days', hint: 'Both secrets work for a week.' },
] as const;

/** Regenerate with a choice of overlap, through the one confirm dialog; shows the new secret once. */
export function RegenerateDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose: () => void }) {
  const name = useId();
  const [remaining] = useState(() =>
    apiKey.expiresAt ? (apiKey.expiresAt.getTime() - Date.now()) / 1000 : Infinity,
  );
  const [grace, setGrace] = useState(0);

  return (
    <ConfirmAction
      title={`Regenerate "${apiKey.name}"?`}
      confirmLabel="Regenerate key"
      action={() => regenerateApiKeyAction(apiKey.id, grace)}
      onClose={onClose}
      showsSecret="New key generated"
      failureToast="Could not regenerate the key."
    >
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
    </ConfirmAction>
  );
}
