'use client';

import { useState } from 'react';
import { FieldError } from '@/components/ui/field';

/**
 * Allowed tenants: specific organisations, or "All tenants" for superadmins only. An admin is offered
 * their own organisation only; the service refuses anything else whatever the form sends.
 */
export function TenantPicker({
  organisations,
  canChooseAll,
  defaultValue,
  errors,
  idPrefix,
  locked = false,
}: {
  /** An "all tenants" key edited by an admin: shown, not editable, and not sent. */
  locked?: boolean;
  organisations: { id: string; name: string }[];
  canChooseAll: boolean;
  defaultValue: 'all' | string[];
  errors?: string[];
  idPrefix: string;
}) {
  const [mode, setMode] = useState<'all' | 'list'>(defaultValue === 'all' && canChooseAll ? 'all' : 'list');
  const selected = defaultValue === 'all' ? [] : defaultValue;
  const errorId = `${idPrefix}-tenants-error`;
  if (locked) {
    return (
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Allowed tenants</legend>
        <p className="mt-1 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
          All tenants. Only a superadmin can change the tenants of this key; saving keeps them as they are.
        </p>
      </fieldset>
    );
  }
  return (
    <fieldset
      data-field="tenants"
      aria-describedby={errors?.length ? errorId : undefined}
      aria-invalid={errors?.length ? true : undefined}
    >
      <legend className="text-sm font-medium text-slate-700">
        Allowed tenants <span className="text-rose-700">*</span>
      </legend>
      <p className="text-xs text-slate-600">The organisations whose data this key may reach.</p>
      {canChooseAll ? (
        <div className="mt-2 space-y-1 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="tenants_mode"
              value="list"
              checked={mode === 'list'}
              onChange={() => setMode('list')}
            />
            Specific organisations
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="tenants_mode"
              value="all"
              checked={mode === 'all'}
              onChange={() => setMode('all')}
            />
            All tenants <span className="text-xs font-medium text-amber-700">(use sparingly)</span>
          </label>
        </div>
      ) : (
        <input type="hidden" name="tenants_mode" value="list" />
      )}
      {mode === 'list' && (
        <div className="mt-2 max-h-40 space-y-1 overflow-y-auto rounded-md border border-slate-200 px-3 py-2 text-sm">
          {organisations.map((o) => (
            <label key={o.id} className="flex items-center gap-2">
              <input
                type="checkbox"
                name="tenants"
                value={o.id}
                defaultChecked={
                  selected.includes(o.id) || (organisations.length === 1 && selected.length === 0)
                }
              />
              {o.name}
            </label>
          ))}
        </div>
      )}
      {mode === 'all' && (
        <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
          This key will reach every organisation, including ones created later. Prefer a list of
          organisations.
        </p>
      )}
      <FieldError id={errorId} errors={errors} />
    </fieldset>
  );
}
