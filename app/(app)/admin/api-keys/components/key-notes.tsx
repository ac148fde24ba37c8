'use client';

import { useTransition } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { formatDateTime } from '@/lib/format';
import { useToast } from '@/components/ui/toast';
import type { ApiKeyView } from '@/lib/validation/api-keys';
import { fitKeyToPolicyAction } from '../actions';

/**
 * What a key's status badge alone does not say, beside it in the list and on the detail page: a
 * rotation in its overlap, a reported leak, and a key outside the organisation's key policy (with its
 * one-click fix).
 */
export function KeyNotes({ apiKey, fix = true }: { apiKey: ApiKeyView; fix?: boolean }) {
  const toast = useToast();
  const [pending, start] = useTransition();
  if (!apiKey.rotation && !apiKey.leak && !apiKey.outsidePolicy) return null;
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      {apiKey.rotation && (
        <Badge tone="indigo" wrap title={`Old secret ${apiKey.rotation.previousVisibleId}`}>
          Rotating — old secret works until {formatDateTime(apiKey.rotation.endsAt)}
        </Badge>
      )}
      {apiKey.leak && (
        <Badge tone="red" title={apiKey.leak.url ?? undefined}>
          Reported leaked
        </Badge>
      )}
      {apiKey.outsidePolicy && (
        <>
          <Badge tone="orange">Outside policy</Badge>
          {fix && (
            <Button
              size="sm"
              variant="secondary"
              disabled={pending}
              onClick={() =>
                start(async () => {
                  const result = await fitKeyToPolicyAction(apiKey.id);
                  if (result.status === 'success') toast.success(result.message ?? 'Done.');
                  else toast.error(result.message ?? 'Could not change the key.');
                })
              }
            >
              {pending ? 'Fixing…' : 'Set expiry to the maximum'}
            </Button>
          )}
        </>
      )}
    </span>
  );
}
