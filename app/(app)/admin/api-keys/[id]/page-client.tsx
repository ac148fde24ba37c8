'use client';

import { useRouter } from 'next/navigation';
import type { ApiKeyView } from '@/lib/validation/api-keys';
import type { TenantChoices } from '../components/api-key-form';
import { KeyActions } from '../components/key-actions';

/** The detail page's actions; after a delete there is nothing left to show, so back to the list. */
export function KeyDetailActions({
  apiKey,
  tenantChoices,
}: {
  apiKey: ApiKeyView;
  tenantChoices: TenantChoices;
}) {
  const router = useRouter();
  return (
    <KeyActions
      apiKey={apiKey}
      tenantChoices={tenantChoices}
      layout="buttons"
      onDeleted={() => router.push('/admin/api-keys')}
    />
  );
}
