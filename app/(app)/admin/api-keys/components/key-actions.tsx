'use client';

import { useCallback, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Menu, type MenuItem } from '@/components/ui/menu';
import { useToast } from '@/components/ui/toast';
import { callAction } from '@/lib/client/call-action';
import type { ApiKeyView } from '@/lib/validation/api-keys';
import { protectedKeyMessage } from '@/lib/validation/api-keys';
import {
  deleteApiKeyAction,
  revokeApiKeyAction,
  setApiKeyEnabledAction,
  setApiKeyProtectedAction,
  updateApiKeyAction,
} from '../actions';
import { ApiKeyForm, type TenantChoices } from './api-key-form';
import { ConfirmAction } from './confirm-action';
import { RegenerateDialog } from './regenerate-dialog';

type Open = null | 'edit' | 'regenerate' | 'disable' | 'revoke' | 'delete';

/** Edit, Regenerate, Disable / Enable, Revoke and Delete for one key, each behind its dialog. */
export function KeyActions({
  apiKey,
  tenantChoices,
  onDeleted,
  layout = 'menu',
}: {
  apiKey: ApiKeyView;
  tenantChoices: TenantChoices;
  onDeleted?: () => void;
  /** A compact "Actions" menu in table rows; plain buttons on the detail page. */
  layout?: 'menu' | 'buttons';
}) {
  const [open, setOpen] = useState<Open>(null);
  const close = useCallback(() => setOpen(null), []);
  const revoked = apiKey.status === 'revoked';
  const disabled = apiKey.status === 'disabled';
  const [enabling, startEnabling] = useTransition();
  const toast = useToast();

  function enable() {
    startEnabling(async () => {
      const result = await callAction(() => setApiKeyEnabledAction(apiKey.id, true));
      if (result.status === 'success') toast.success(result.message ?? 'Enabled.');
      else toast.error(result.message ?? 'Could not enable the key.');
    });
  }

  const items: MenuItem[] = [
    ...(revoked
      ? []
      : [
          { label: 'Edit', onSelect: () => setOpen('edit') },
          { label: 'Regenerate', onSelect: () => setOpen('regenerate') },
          disabled
            ? { label: enabling ? 'Enabling…' : 'Enable', onSelect: enable, disabled: enabling }
            : { label: 'Disable', onSelect: () => setOpen('disable') },
          { label: 'Revoke', onSelect: () => setOpen('revoke'), danger: true, separated: true },
        ]),
    { label: 'Delete', onSelect: () => setOpen('delete'), danger: true, separated: revoked },
  ];
  // The detail page: one primary action (Edit, or Delete for a revoked key), the rest in a menu.
  const [primary, ...rest] = items;

  return (
    <div className="flex flex-wrap justify-end gap-2">
      {layout === 'menu' ? (
        <Menu label="Actions" items={items} />
      ) : (
        <>
          <Button variant={primary.danger ? 'danger' : 'primary'} onClick={primary.onSelect}>
            {primary.label === 'Edit' ? 'Edit key' : primary.label}
          </Button>
          {rest.length > 0 && (
            <Menu
              label="More actions"
              items={rest}
              buttonClassName="inline-flex items-center gap-1 rounded-md border border-slate-300 bg-surface px-3.5 py-2 text-sm font-semibold text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
            />
          )}
        </>
      )}

      {open === 'edit' && (
        <Dialog
          title={`Edit "${apiKey.name}"`}
          description="The key itself, its creation date and its creator stay as they are."
          onClose={close}
          size="lg"
        >
          <ApiKeyForm
            mode="edit"
            action={updateApiKeyAction.bind(null, apiKey.id)}
            initial={{
              name: apiKey.name,
              description: apiKey.description,
              expiresAt: apiKey.expiresAt,
              permissions: apiKey.permissions,
              tenants: apiKey.allTenants ? 'all' : apiKey.tenants.map((t) => t.id),
              allowedIps: apiKey.allowedIps,
              rateLimitPerMinute: apiKey.rateLimitPerMinute,
              protected: apiKey.protected,
            }}
            tenantChoices={tenantChoices}
            onClose={close}
          />
        </Dialog>
      )}
      {open === 'regenerate' && <RegenerateDialog apiKey={apiKey} onClose={close} />}
      {open === 'disable' && (
        <ConfirmAction
          title={`Disable "${apiKey.name}"?`}
          confirmLabel="Disable key"
          action={setApiKeyEnabledAction.bind(null, apiKey.id, false)}
          onClose={close}
        >
          <p>
            Requests with this key are refused (401) until you enable it again. Integrations using it stop
            working in the meantime.
          </p>
        </ConfirmAction>
      )}
      {open === 'revoke' && (
        <ConfirmAction
          title={`Revoke "${apiKey.name}"?`}
          confirmLabel="Revoke key"
          action={revokeApiKeyAction.bind(null, apiKey.id)}
          onClose={close}
        >
          <p>
            <strong>Revoking is permanent.</strong> The key stops working at once and can never be
            re-activated. It stays listed under Revoked / Expired for audit.
          </p>
        </ConfirmAction>
      )}
      {open === 'delete' &&
        (apiKey.protected ? (
          <ConfirmAction
            title={`"${apiKey.name}" is protected`}
            confirmLabel="Unprotect key"
            action={setApiKeyProtectedAction.bind(null, apiKey.id, false)}
            onClose={close}
          >
            <p>{protectedKeyMessage(apiKey.id)}</p>
            <p className="mt-2">You can still disable or revoke it.</p>
          </ConfirmAction>
        ) : (
          <ConfirmAction
            title={`Delete "${apiKey.name}"?`}
            confirmLabel="Delete key"
            action={deleteApiKeyAction.bind(null, apiKey.id, onDeleted ? 'detail' : 'list')}
            onClose={close}
            onSuccess={onDeleted}
          >
            <p>
              {revoked ? 'The key is removed.' : 'The key is removed and stops working at once.'} Its audit
              trail is kept. This cannot be undone.
            </p>
          </ConfirmAction>
        ))}
    </div>
  );
}
