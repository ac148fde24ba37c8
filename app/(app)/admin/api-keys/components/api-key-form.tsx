'use client';

import { startTransition, useActionState, useCallback, useId, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError, inputClasses } from '@/components/ui/field';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { useToast } from '@/components/ui/toast';
import { callAction } from '@/lib/client/call-action';
import { formatDate, toDateInputValue } from '@/lib/format';
import { ADMIN_PERMISSION } from '@/lib/permissions';
import { expiryDateInputValue } from '@/lib/validation/api-key-form';
import type { KeyActionState } from '../actions';
import { ErrorSummary, useFocusFirstInvalid } from './form-errors';
import { PermissionGrid } from './permission-grid';
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

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  organisation_id: 'Owning organisation',
  expiry_date: 'Expiry date',
  permissions: 'Permissions',
  tenants: 'Allowed tenants',
};

function inDays(days: number): string {
  return toDateInputValue(new Date(Date.now() + days * DAY));
}

type Picked = { permissions: string[]; tenants: 'all' | 'unchanged' | number };

/** What the form picks right now, read from its controls. */
function readPicked(form: HTMLFormElement): Picked {
  const data = new FormData(form);
  const mode = data.get('tenants_mode');
  return {
    permissions: data.getAll('permissions').map(String),
    tenants: mode === 'all' ? 'all' : mode === null ? 'unchanged' : data.getAll('tenants').length,
  };
}

/** "4 permissions · 1 organisation · expires 27 Feb 2027": what the form would grant. */
function summarise({ permissions, tenants }: Picked, expiry: string): string {
  const grant = permissions.includes(ADMIN_PERMISSION)
    ? 'all permissions'
    : `${permissions.length} permission${permissions.length === 1 ? '' : 's'}`;
  const reach =
    tenants === 'all'
      ? 'all organisations'
      : tenants === 'unchanged'
        ? 'tenants unchanged'
        : `${tenants} organisation${tenants === 1 ? '' : 's'}`;
  const ends = expiry ? `expires ${formatDate(new Date(`${expiry}T00:00:00Z`))}` : 'no expiry';
  return `${grant} · ${reach} · ${ends}`;
}

/**
 * Create and edit share this form. It posts to a server action through useActionState; submitting
 * in a transition (rather than through the form's action prop) keeps what the admin typed when the
 * server answers with field errors. The footer sticks to the bottom of the dialog: the summary of
 * what is picked, the error summary and the submit button stay in view however long the grid is.
 */
export function ApiKeyForm({
  mode,
  action,
  initial,
  tenantChoices,
  onClose,
  onCreated,
}: {
  mode: 'create' | 'edit';
  action: (prev: KeyActionState, formData: FormData) => Promise<KeyActionState>;
  initial?: KeyFormValues;
  tenantChoices: TenantChoices;
  onClose: () => void;
  /** Create: the key was created and is shown (the dialog's title can say so). */
  onCreated?: () => void;
}) {
  const toast = useToast();
  const form = useRef<HTMLFormElement>(null);
  // Toasts and closing happen here, not in an effect: after a change the row may leave the list
  // (and this form with it) in the same render that delivers the result.
  const [state, formAction, pending] = useActionState(
    async (prev: KeyActionState, data: FormData) => {
      const result = await callAction(() => action(prev, data));
      if (result.status === 'success') {
        toast.success(result.message ?? 'Saved.');
        if (mode === 'edit') onClose();
        else onCreated?.();
      }
      return result;
    },
    { status: 'idle' } as KeyActionState,
  );
  const id = useId();
  const initialExpiry = initial ? expiryDateInputValue(initial.expiresAt) : null;
  const [expiry, setExpiry] = useState(() => initialExpiry ?? inDays(90));
  const [minDate] = useState(() => inDays(1));
  const [picked, setPicked] = useState<Picked>(() => {
    const tenants = initial?.tenants ?? [tenantChoices.ownOrganisationId];
    const locked = mode === 'edit' && tenants === 'all' && !tenantChoices.canChooseAll;
    return {
      permissions: initial?.permissions ?? [],
      tenants: locked ? 'unchanged' : tenants === 'all' ? 'all' : tenants.length,
    };
  });
  const refreshSummary = useCallback(() => {
    if (form.current) setPicked(readPicked(form.current));
  }, []);
  useFocusFirstInvalid(form, state, state.status === 'invalid');

  if (mode === 'create' && state.status === 'success' && state.secret && state.key) {
    return <SecretReveal secret={state.secret} visibleId={state.key.visibleId} onDone={onClose} />;
  }

  const errors = state.fieldErrors ?? {};
  const err = (field: string) => (errors[field]?.length ? `${id}-${field}-error` : undefined);
  const submitLabel = mode === 'create' ? 'Create key' : 'Save changes';

  return (
    <form
      ref={form}
      noValidate
      className="space-y-5"
      onChange={refreshSummary}
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-700">
          Name <span className="text-rose-700">*</span>
        </label>
        <input
          id={`${id}-name`}
          name="name"
          data-field="name"
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
          Description <span className="font-normal text-slate-600">(optional)</span>
        </label>
        <textarea
          id={`${id}-description`}
          name="description"
          data-field="description"
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
            data-field="organisation_id"
            defaultValue={tenantChoices.ownOrganisationId}
            aria-invalid={errors.organisation_id ? true : undefined}
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
          Expiry date <span className="font-normal text-slate-600">(optional)</span>
        </label>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <input
            id={`${id}-expiry`}
            type="date"
            name="expiry_date"
            data-field="expiry_date"
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
          className={`mt-1 text-xs ${expiry ? 'text-slate-600' : 'text-amber-700'}`}
        >
          {expiry
            ? `The key works through the end of ${formatDate(new Date(`${expiry}T00:00:00Z`))} (UTC). Recommended: 90 days to 1 year.`
            : 'No expiry: not recommended. The key works until someone revokes it. Recommended: 90 days to 1 year.'}
        </p>
        <FieldError id={`${id}-expiry_date-error`} errors={errors.expiry_date} />
      </div>
      <PermissionGrid
        idPrefix={id}
        defaultValue={initial?.permissions ?? []}
        errors={errors.permissions}
        onPicked={refreshSummary}
      />
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
              <span id={`${id}-protected-hint`} className="block text-xs text-slate-600">
                A protected key cannot be deleted until it is unprotected. It can still be disabled or
                revoked.
              </span>
            </span>
          </label>
          <FieldError id={`${id}-protected-error`} errors={errors.protected} />
        </div>
      )}
      <FieldError id={`${id}-root-error`} errors={errors._} />
      <div className="sticky -bottom-5 -mx-4 -mb-5 space-y-2 border-t border-slate-200 bg-surface px-4 py-3 sm:-mx-6 sm:px-6">
        {state.status === 'error' && state.message && (
          <div role="alert" className="flex flex-wrap items-center gap-2 text-sm text-rose-700">
            <span className="flex-1">{state.message}</span>
            <Button
              variant="secondary"
              size="sm"
              disabled={pending}
              onClick={() => form.current?.requestSubmit()}
            >
              Try again
            </Button>
          </div>
        )}
        <ErrorSummary form={form} errors={errors} labels={FIELD_LABELS} />
        <div className="flex flex-wrap items-center justify-end gap-2">
          <p className="mr-auto text-xs text-slate-600" data-testid="form-summary" aria-live="polite">
            {summarise(picked, expiry)}
          </p>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? (mode === 'create' ? 'Creating…' : 'Saving…') : submitLabel}
          </Button>
        </div>
      </div>
    </form>
  );
}
