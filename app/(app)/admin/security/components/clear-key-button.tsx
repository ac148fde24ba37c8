'use client';

import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import { clearUserKeyAction, type SecurityActionState } from '../actions';
import { callAction } from '@/lib/client/call-action';

/** "Clear API key" for one user, behind a confirmation. */
export function ClearKeyButton({
  user,
  visibleId,
  size = 'sm',
}: {
  user: { id: string; name: string; email: string };
  visibleId: string;
  size?: 'sm' | 'md';
}) {
  const [open, setOpen] = useState(false);
  const toast = useToast();
  const [, action, pending] = useActionState<SecurityActionState, FormData>(
    async (prev, formData) => {
      const result = await callAction(() => clearUserKeyAction(prev, formData));
      if (result.status === 'success') {
        setOpen(false);
        toast.success(result.message ?? 'Cleared.');
      } else toast.error(result.message ?? 'Could not clear the key.');
      return result;
    },
    { status: 'idle' },
  );

  return (
    <>
      <Button
        variant="danger"
        size={size}
        onClick={() => setOpen(true)}
        aria-label={`Clear API key of ${user.email}`}
      >
        Clear API key
      </Button>
      {open && (
        <Dialog title={`Clear the API key of ${user.name}?`} onClose={() => setOpen(false)}>
          <form action={action} className="space-y-4">
            <input type="hidden" name="userId" value={user.id} />
            <p className="text-sm text-slate-600">
              <span className="font-mono">{visibleId}</span> ({user.email}) stops working at once and its
              webhooks are switched off. {user.name} must generate a new key to regain API access.
            </p>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? 'Clearing…' : 'Clear API key'}
              </Button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}
