'use client';

import { useState } from 'react';
import { FieldError } from '@/components/ui/field';
import { ADMIN_PERMISSION, RESOURCES } from '@/lib/permissions';

/** Resources × Read / Write from THE catalogue, plus "Admin (all permissions)". Write never implies read. */
export function PermissionGrid({
  defaultValue,
  errors,
  idPrefix,
}: {
  defaultValue: readonly string[];
  errors?: string[];
  idPrefix: string;
}) {
  const [admin, setAdmin] = useState(defaultValue.includes(ADMIN_PERMISSION));
  const errorId = `${idPrefix}-permissions-error`;
  return (
    <fieldset
      aria-describedby={errors?.length ? errorId : undefined}
      aria-invalid={errors?.length ? true : undefined}
    >
      <legend className="text-sm font-medium text-slate-700">
        Permissions <span className="text-rose-600">*</span>
      </legend>
      <p className="text-xs text-slate-500">
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
          <span className="block text-xs text-slate-500">
            Every resource, read and write, including API key management.
          </span>
        </span>
      </label>
      <table className={`mt-2 w-full text-sm ${admin ? 'opacity-50' : ''}`}>
        <thead>
          <tr className="text-left text-xs text-slate-500">
            <th className="py-1 font-medium">Resource</th>
            <th className="w-20 py-1 text-center font-medium">Read</th>
            <th className="w-20 py-1 text-center font-medium">Write</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {RESOURCES.map((r) => (
            <tr key={r.id}>
              <td className="py-1.5">
                <span className="font-medium text-slate-800">{r.label}</span>
                <span className="ml-2 text-xs text-slate-500">{r.description}</span>
              </td>
              {(['read', 'write'] as const).map((access) => {
                const value = `${r.id}:${access}`;
                if (access === 'write' && 'readOnly' in r && r.readOnly) {
                  return (
                    <td
                      key={access}
                      className="text-center text-xs text-slate-400"
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
