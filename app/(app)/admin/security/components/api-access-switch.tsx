'use client';

import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Switch } from '@/components/ui/switch';
import { useToast } from '@/components/ui/toast';
import { setApiAccessAction, type SecurityActionState } from '../actions';
import { callAction } from '@/lib/client/call-action';

/** "API access for non-admins": allowing is immediate; turning it off asks first (it stops keys at once). */
export function ApiAccessSwitch({ allowed }: { allowed: boolean }) {
  const [confirmOff, setConfirmOff] = useState(false);
  const toast = useToast();
  const [, action, pending] = useActionState<SecurityActionState, FormData>(
    async (prev, formData) => {
      const result = await callAction(() => setApiAccessAction(prev, formData));
      if (result.status === 'success') {
        setConfirmOff(false);
        toast.success(result.message ?? 'Saved.');
      } else toast.error(result.message ?? 'Could not change the setting.');
      return result;
    },
    { status: 'idle' },
  );

  return (
    <div className="flex items-start justify-between gap-6">
      <div>
        <h3 id="api-access-label" className="font-medium text-slate-900">
          API access for non-admins
        </h3>
        <p id="api-access-help" className="mt-1 max-w-2xl text-sm text-slate-600">
          Whether users who are not admins may have a personal API key. Admins always have API access. Turning
          it off stops every non-admin personal key at once (they are kept, and work again when you allow it).
        </p>
      </div>
      <div className="flex shrink-0 items-center gap-3">
        <span className="text-sm font-medium text-slate-700" data-testid="api-access-state">
          {allowed ? 'Allowed' : 'Not allowed'}
        </span>
        {allowed ? (
          <Switch
            checked
            aria-labelledby="api-access-label"
            aria-describedby="api-access-help"
            disabled={pending}
            onClick={() => setConfirmOff(true)}
          />
        ) : (
          <form action={action}>
            <input type="hidden" name="allowed" value="true" />
            <Switch
              type="submit"
              checked={false}
              aria-labelledby="api-access-label"
              aria-describedby="api-access-help"
              disabled={pending}
            />
          </form>
        )}
      </div>
      {confirmOff && (
        <Dialog title="Turn off API access for non-admins?" onClose={() => setConfirmOff(false)}>
          <form action={action} className="space-y-4">
            <input type="hidden" name="allowed" value="false" />
            <p className="text-sm text-slate-600">
              Every personal key of a non-admin is refused from the next request on (401{' '}
              <code className="font-mono">api_access_disabled</code>) and their webhooks stop sending. Nothing
              is deleted: allowing access again restores them.
            </p>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirmOff(false)}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? 'Turning off…' : 'Turn off'}
              </Button>
            </div>
          </form>
        </Dialog>
      )}
    </div>
  );
}
