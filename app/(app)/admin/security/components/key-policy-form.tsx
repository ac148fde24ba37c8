'use client';

import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { inputClasses } from '@/components/ui/field';
import { useToast } from '@/components/ui/toast';
import { KEY_LIFETIME_CHOICES, type KeyPolicy } from '@/lib/keys/policy';
import { setKeyPolicyAction, type SecurityActionState } from '../actions';

/** The organisation's key policy: "keys must expire" within a maximum lifetime. */
export function KeyPolicyForm({ policy }: { policy: KeyPolicy }) {
  const toast = useToast();
  const [mustExpire, setMustExpire] = useState(policy.keysMustExpire);
  const [state, action, pending] = useActionState<SecurityActionState, FormData>(
    async (prev, formData) => {
      const result = await setKeyPolicyAction(prev, formData);
      if (result.status === 'success') toast.success(result.message ?? 'Saved.');
      else toast.error(result.message ?? 'Could not save the policy.');
      return result;
    },
    { status: 'idle' },
  );
  return (
    <form action={action} className="space-y-3" aria-labelledby="key-policy-label">
      <h3 id="key-policy-label" className="font-medium text-slate-900">
        API key policy
      </h3>
      <p className="max-w-2xl text-sm text-slate-600">
        New, edited and regenerated keys must meet it. Keys made before it are listed as outside the policy,
        with a one-click fix.
      </p>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="keys_must_expire"
          value="true"
          checked={mustExpire}
          onChange={(e) => setMustExpire(e.currentTarget.checked)}
        />
        Keys must expire
      </label>
      <label className="block text-sm text-slate-700">
        Maximum lifetime
        <select
          name="max_lifetime_days"
          defaultValue={policy.maxLifetimeDays ?? ''}
          disabled={!mustExpire}
          className={`mt-1 block w-48 ${inputClasses}`}
        >
          <option value="">No maximum</option>
          {KEY_LIFETIME_CHOICES.map((days) => (
            <option key={days} value={days}>
              {days} days
            </option>
          ))}
        </select>
      </label>
      {state.status === 'error' && state.message && (
        <p role="alert" className="text-sm text-rose-700">
          {state.message}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Save policy'}
      </Button>
    </form>
  );
}
