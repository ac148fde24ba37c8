'use client';

import { useState } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { createApiKeyAction } from '../actions';
import { ApiKeyForm, type TenantChoices } from './api-key-form';

/** "Add API key": the form, then (titled "Key created") the new key, shown once. */
export function CreateKeyDialog({
  tenantChoices,
  onClose,
}: {
  tenantChoices: TenantChoices;
  onClose: () => void;
}) {
  const [created, setCreated] = useState(false);
  return (
    <Dialog
      title={created ? 'Key created' : 'Add API key'}
      description={
        created
          ? 'Copy it now: this is the only time it is shown.'
          : 'The key is shown once, right after it is created.'
      }
      onClose={onClose}
      size="lg"
    >
      <ApiKeyForm
        mode="create"
        action={createApiKeyAction}
        tenantChoices={tenantChoices}
        onClose={onClose}
        onCreated={() => setCreated(true)}
      />
    </Dialog>
  );
}
