'use client';

import { useRef, useState } from 'react';
import { FieldError } from '@/components/ui/field';
import { ADMIN_PERMISSION, RESOURCES } from '@/lib/permissions';

type Access = 'read' | 'write';

/**
 * Resources × Read / Write from THE catalogue, plus "Admin (all permissions)". Write never implies
 * read. Quick choices tick a whole column (all read, all write) or clear the grid (none).
 */
export function PermissionGrid({
  defaultValue,
  errors,
  idPrefix,
  onPicked,
}: {
  defaultValue: readonly string[];
  errors?: string[];
  idPrefix: string;
  /** Called after a quick choice changed boxes (they fire no change event of their own). */
  onPicked?: () => void;
}) {
  const [admin, setAdmin] = useState(defaultValue.includes(ADMIN_PERMISSION));
  const grid = useRef<HTMLTableElement>(null);
  const errorId = `${idPrefix}-permissions-error`;

  function pick(access: Access | 'none') {
    for (const box of grid.current?.querySelectorAll<HTMLInputElement>('input[name="permissions"]') ?? []) {
      if (access === 'none') box.checked = false;
      else if (box.value.endsWith(`:${access}`)) box.checked = true;
    }
    onPicked?.();
  }

  const quick =
    'rounded px-1.5 py-0.5 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:opacity-50';
  return (
    <fieldset
      data-field="permissions"
      aria-describedby={errors?.length ? errorId : undefined}
      aria-invalid={errors?.length ? true : undefined}
    >
      <legend className="text-sm font-medium text-slate-700">
        Permissions <span className="text-rose-700">*</span>
      </legend>
      <p className="text-xs text-slate-600">
        Give the key only what its integration needs. Write does not include read.
      </p>
      <label className="mt-2 flex items-start gap-2 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm">
        <input
          type="checkbox"
          name="permissions"
          value={ADMIN_PERMISSION}
          defaultChecked={admin}
          onChange={(e) => setAdmin(e.currentTarget.checked)}
          className="mt-0.5"
        />
        <span>
          <span className="font-medium">Admin (all permissions)</span>
          <span className="block text-xs text-slate-600">
            Every resource, read and write, including API key management.
          </span>
        </span>
      </label>
      <table ref={grid} className={`mt-2 w-full text-sm ${admin ? 'opacity-60' : ''}`}>
        <thead>
          <tr className="text-left text-xs text-slate-600">
            <th scope="col" className="py-1 font-medium">
              Resource
              <span className="ml-2 font-normal">
                <button type="button" className={quick} disabled={admin} onClick={() => pick('none')}>
                  None
                </button>
              </span>
            </th>
            {(['read', 'write'] as const).map((access) => (
              <th key={access} scope="col" className="w-20 py-1 text-center font-medium">
                <span className="block capitalize">{access}</span>
                <button
                  type="button"
                  className={quick}
                  disabled={admin}
                  onClick={() => pick(access)}
                  aria-label={`All ${access}`}
                >
                  All
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {RESOURCES.map((r) => (
            <tr key={r.id}>
              <th scope="row" className="py-1.5 text-left font-normal">
                <span className="font-medium text-slate-800">{r.label}</span>
                <span className="text-xs text-slate-600 max-sm:block sm:ml-2">{r.description}</span>
              </th>
              {(['read', 'write'] as const).map((access) => {
                const value = `${r.id}:${access}`;
                if (access === 'write' && 'readOnly' in r && r.readOnly) {
                  return (
                    <td
                      key={access}
                      className="text-center text-xs text-slate-600"
                      title="Read-only resource"
                    >
                      —
                    </td>
                  );
                }
                return (
                  <td key={access} className="text-center">
                    <input
                      type="checkbox"
                      name="permissions"
                      value={value}
                      aria-label={`${r.label}: ${access}`}
                      defaultChecked={defaultValue.includes(value)}
                      disabled={admin}
                      className="size-4"
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <FieldError id={errorId} errors={errors} />
    </fieldset>
  );
}
