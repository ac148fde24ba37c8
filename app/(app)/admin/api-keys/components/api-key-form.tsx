'use client';

import { startTransition, useActionState, useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError, inputClasses } from '@/components/ui/field';
import { useToast } from '@/components/ui/toast';
import { expiryDateInputValue } from '@/lib/validation/api-key-form';
import type { KeyActionState } from '../actions';
import { PermissionGrid } from './permission-grid';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { TenantPicker } from './tenant-picker';
import { KeyRestrictionFields } from './key-restriction-fields';

export type KeyFormValues = {
  name: string;
  description: string;
  expiresAt: Date | null;
  permissions: string[];
  tenants: 'all' | string[];
  allowedIps?: string[] | null;
  rateLimitPerMinute?: number | null;
  protected?: boolean;
};

export type TenantChoices = {
  organisations: { id: string; name: string }[];
  canChooseAll: boolean;
  ownOrganisationId: string;
};

const DAY = 24 * 60 * 60 * 1000;
const PRESETS = [
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
] as const;

function inDays(days: number): string {
  return new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
}

/**
 * Create and edit share this form. It posts to a server action through useActionState; submitting
 * in a transition (rather than through the form's action prop) keeps what the admin typed when the
 * server answers with field errors.
 */
export function ApiKeyForm({
  mode,
  action,
  initial,
  tenantChoices,
  onClose,
}: {
  mode: 'create' | 'edit';
  action: (prev: KeyActionState, formData: FormData) => Promise<KeyActionState>;
  initial?: KeyFormValues;
  tenantChoices: TenantChoices;
  onClose: () => void;
}) {
  const toast = useToast();
  // Toasts and closing happen here, not in an effect: after a change the row may leave the list
  // (and this form with it) in the same render that delivers the result.
  const [state, formAction, pending] = useActionState(
    async (prev: KeyActionState, data: FormData) => {
      const result = await action(prev, data);
      if (result.status === 'success') {
        toast.success(result.message ?? 'Saved.');
        if (mode === 'edit') onClose();
      } else if (result.status === 'error') {
        toast.error(result.message ?? 'Something went wrong.');
      }
      return result;
    },
    { status: 'idle' } as KeyActionState,
  );
  const id = useId();
  const initialExpiry = initial ? expiryDateInputValue(initial.expiresAt) : null;
  const [expiry, setExpiry] = useState(() => initialExpiry ?? inDays(90));
  const [minDate] = useState(() => inDays(1));
  if (mode === 'create' && state.status === 'success' && state.secret && state.key) {
    return <SecretReveal secret={state.secret} visibleId={state.key.visibleId} onDone={onClose} />;
  }

  const errors = state.fieldErrors ?? {};
  const err = (field: string) => (errors[field]?.length ? `${id}-${field}-error` : undefined);

  return (
    <form
      noValidate
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      {state.status !== 'idle' && state.status !== 'success' && state.message && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {state.message}
        </p>
      )}
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-700">
          Name <span className="text-rose-600">*</span>
        </label>
        <input
          id={`${id}-name`}
          name="name"
          defaultValue={initial?.name ?? ''}
          maxLength={100}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={err('name')}
          className={`mt-1 ${inputClasses}`}
          placeholder="e.g. Billing sync"
        />
        <FieldError id={`${id}-name-error`} errors={errors.name} />
      </div>
      <div>
        <label htmlFor={`${id}-description`} className="block text-sm font-medium text-slate-700">
          Description <span className="font-normal text-slate-400">(optional)</span>
        </label>
        <textarea
          id={`${id}-description`}
          name="description"
          rows={2}
          defaultValue={initial?.description ?? ''}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={err('description')}
          className={`mt-1 ${inputClasses}`}
          placeholder="What uses this key?"
        />
        <FieldError id={`${id}-description-error`} errors={errors.description} />
      </div>
      {mode === 'create' && tenantChoices.canChooseAll && tenantChoices.organisations.length > 1 && (
        <div>
          <label htmlFor={`${id}-organisation`} className="block text-sm font-medium text-slate-700">
            Owning organisation
          </label>
          <select
            id={`${id}-organisation`}
            name="organisation_id"
            defaultValue={tenantChoices.ownOrganisationId}
            aria-describedby={err('organisation_id')}
            className={`mt-1 ${inputClasses}`}
          >
            {tenantChoices.organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-organisation_id-error`} errors={errors.organisation_id} />
        </div>
      )}
      <div>
        <label htmlFor={`${id}-expiry`} className="block text-sm font-medium text-slate-700">
          Expiry date <span className="font-normal text-slate-400">(optional)</span>
        </label>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <input
            id={`${id}-expiry`}
            type="date"
            name="expiry_date"
            value={expiry}
            min={minDate}
            onChange={(e) => setExpiry(e.currentTarget.value)}
            aria-invalid={errors.expiry_date ? true : undefined}
            aria-describedby={[`${id}-expiry-hint`, err('expiry_date')].filter(Boolean).join(' ')}
            className={`${inputClasses} w-44`}
          />
          {initialExpiry !== null && <input type="hidden" name="expiry_date_initial" value={initialExpiry} />}
          {PRESETS.map((p) => (
            <Button key={p.days} variant="ghost" size="sm" onClick={() => setExpiry(inDays(p.days))}>
              {p.label}
            </Button>
          ))}
          <Button variant="ghost" size="sm" onClick={() => setExpiry('')}>
            No expiry
          </Button>
        </div>
        <p
          id={`${id}-expiry-hint`}
          className={`mt-1 text-xs ${expiry ? 'text-slate-500' : 'text-amber-700'}`}
        >
          {expiry
            ? 'The key works through the end of this day (UTC). Recommended: 90 days to 1 year.'
            : 'No expiry: not recommended. The key works until someone revokes it. Recommended: 90 days to 1 year.'}
        </p>
        <FieldError id={`${id}-expiry_date-error`} errors={errors.expiry_date} />
      </div>
      <PermissionGrid idPrefix={id} defaultValue={initial?.permissions ?? []} errors={errors.permissions} />
      <TenantPicker
        idPrefix={id}
        organisations={tenantChoices.organisations}
        canChooseAll={tenantChoices.canChooseAll}
        defaultValue={initial?.tenants ?? [tenantChoices.ownOrganisationId]}
        locked={mode === 'edit' && initial?.tenants === 'all' && !tenantChoices.canChooseAll}
        errors={errors.tenants}
      />
      <KeyRestrictionFields
        idPrefix={id}
        allowedIps={initial?.allowedIps ?? null}
        rateLimitPerMinute={initial?.rateLimitPerMinute ?? null}
        errors={errors}
      />
      {mode === 'edit' && (
        <div>
          <input type="hidden" name="protected_field" value="1" />
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              name="protected"
              defaultChecked={initial?.protected ?? false}
              aria-describedby={`${id}-protected-hint`}
              className="mt-0.5"
            />
            <span>
              <span className="font-medium">Protected</span>
              <span id={`${id}-protected-hint`} className="block text-xs text-slate-500">
                A protected key cannot be deleted until it is unprotected. It can still be disabled or
                revoked.
              </span>
            </span>
          </label>
          <FieldError id={`${id}-protected-error`} errors={errors.protected} />
        </div>
      )}
      <FieldError id={`${id}-root-error`} errors={errors._} />
      <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          {pending
            ? mode === 'create'
              ? 'Creating…'
              : 'Saving…'
            : mode === 'create'
              ? 'Create key'
              : 'Save changes'}
        </Button>
      </div>
    </form>
  );
}
