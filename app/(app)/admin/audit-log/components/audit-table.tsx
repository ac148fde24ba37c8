import { ExactTime } from '@/components/ui/time';
import type { AuditEvent } from '@/db/schema';

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  return JSON.stringify(value);
}

function Changes({ changes }: { changes: AuditEvent['changes'] }) {
  const entries = Object.entries(changes ?? {});
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <dl className="space-y-1 text-xs">
      {entries.map(([field, { before, after }]) => (
        <div key={field}>
          <dt className="font-medium text-slate-700">{field}</dt>
          <dd className="break-words text-slate-600">
            <span className="text-red-700 line-through decoration-red-300">{show(before)}</span>
            <span aria-hidden="true"> → </span>
            <span className="sr-only"> changed to </span>
            <span className="text-green-800">{show(after)}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditTable({
  events,
  showOrganisation,
}: {
  events: (AuditEvent & { organisationName: string | null })[];
  showOrganisation: boolean;
}) {
  const columns = showOrganisation ? 7 : 6;
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Audit events, newest first</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-4 py-3">
              Time (UTC)
            </th>
            {showOrganisation && (
              <th scope="col" className="px-4 py-3">
                Organisation
              </th>
            )}
            <th scope="col" className="px-4 py-3">
              Actor
            </th>
            <th scope="col" className="px-4 py-3">
              Action
            </th>
            <th scope="col" className="px-4 py-3">
              Target
            </th>
            <th scope="col" className="px-4 py-3">
              From
            </th>
            <th scope="col" className="px-4 py-3">
              Changes
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {events.map((e) => (
            <tr key={e.id}>
              <td className="px-4 py-2 whitespace-nowrap">
                <ExactTime value={e.occurredAt} />
              </td>
              {showOrganisation && <td className="px-4 py-2">{e.organisationName ?? '—'}</td>}
              <td className="px-4 py-2">
                <span className="block font-medium break-all">{e.actorLabel}</span>
                <span className="text-xs text-slate-500">
                  {e.actorType === 'key' ? 'API key' : e.actorType}
                </span>
              </td>
              <td className="px-4 py-2">
                <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{e.action}</code>
              </td>
              <td className="px-4 py-2">
                <span className="block break-all">{e.targetLabel ?? e.targetId ?? '—'}</span>
                <span className="text-xs text-slate-500">{e.targetType.replace('_', ' ')}</span>
              </td>
              <td className="px-4 py-2 text-xs">
                <span className="block font-mono">{e.ip ?? '—'}</span>
                <span className="block max-w-[16rem] truncate text-slate-500" title={e.userAgent ?? ''}>
                  {e.userAgent ?? ''}
                </span>
              </td>
              <td className="px-4 py-2">
                <Changes changes={e.changes} />
              </td>
            </tr>
          ))}
          {events.length === 0 && (
            <tr>
              <td colSpan={columns} className="px-4 py-10 text-center text-slate-500">
                No audit events match these filters.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
