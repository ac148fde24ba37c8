'use client';

import { useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { endRotationAction } from '../actions';

export function EndOverlapButton({ keyId }: { keyId: string }) {
  const toast = useToast();
  const [pending, start] = useTransition();
  return (
    <Button
      variant="danger"
      disabled={pending}
      onClick={() =>
        start(async () => {
          const result = await endRotationAction(keyId);
          if (result.status === 'success') toast.success(result.message ?? 'Done.');
          else toast.error(result.message ?? 'Could not end the overlap.');
        })
      }
    >
      {pending ? 'Ending…' : 'End the overlap now'}
    </Button>
  );
}
