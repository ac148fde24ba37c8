'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useTransition } from 'react';
import type { ListApiKeysInput } from '@/lib/validation/api-keys';
import { listHref } from '../list-params';

/** The list's state lives in the URL: `go` changes part of it; `navigating` while the page loads. */
export function useListNavigation(filter: ListApiKeysInput) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const go = useCallback(
    (patch: Partial<ListApiKeysInput>) => {
      startNavigation(() => router.push(listHref(filter, patch), { scroll: false }));
    },
    [filter, router],
  );
  return { go, navigating };
}
