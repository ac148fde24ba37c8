import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { auditActionLabel } from '@/lib/audit-text';
import type { FieldErrors } from '@/lib/errors';

const input =
  'mt-1 block w-full min-w-0 rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none aria-invalid:border-rose-500';

/** The filters as a plain GET form: they live in the URL, so a filtered view can be shared and exported. */
export function AuditFilters({
  values,
  actions,
  errors,
}: {
  values: Record<string, string>;
  actions: string[];
  errors: FieldErrors;
}) {
  const field = (name: string, label: string, control: React.ReactNode) => (
    <div>
      <label htmlFor={`filter-${name}`} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      {control}
      {errors[name] && (
        <p id={`filter-${name}-error`} className="mt-1 text-xs text-rose-700">
          {errors[name][0]}
        </p>
      )}
    </div>
  );
  const common = (name: string) => ({
    id: `filter-${name}`,
    name,
    defaultValue: values[name] ?? '',
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `filter-${name}-error` : undefined,
    className: input,
  });
  return (
    <form
      method="get"
      action="/admin/audit-log"
      role="search"
      aria-label="Filter the audit log"
      className="grid gap-3 rounded-xl border border-slate-200 bg-surface p-4 sm:grid-cols-2 lg:grid-cols-6"
    >
      {field('actor', 'Actor', <input type="search" placeholder="E-mail or key" {...common('actor')} />)}
      {field(
        'action',
        'Action',
        <select {...common('action')}>
          <option value="">All actions</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {auditActionLabel(a)}
            </option>
          ))}
        </select>,
      )}
      {field(
        'target',
        'Target key',
        <input type="search" placeholder="Name, sk_live_… or id" {...common('target')} />,
      )}
      {field('from', 'From', <input type="date" {...common('from')} />)}
      {field('to', 'To', <input type="date" {...common('to')} />)}
      <div className="flex items-end gap-2">
        <button type="submit" className={buttonClasses('primary')}>
          Filter
        </button>
        <Link href="/admin/audit-log" className={buttonClasses('ghost')}>
          Reset
        </Link>
      </div>
    </form>
  );
}
