import { Pager } from '@/components/ui/pager';
import { ExactTime, RelativeTime } from '@/components/ui/time';
import { ACCESS_LOG_KEEP_PER_KEY, ACCESS_LOG_MAX_AGE_DAYS, getKeyAccessLog } from '@/lib/services/usage';
import type { Actor } from '@/lib/actor';

function statusClass(status: number): string {
  if (status < 300) return 'bg-green-50 text-green-800 ring-green-600/20';
  if (status === 429) return 'bg-amber-50 text-amber-800 ring-amber-600/20';
  if (status < 500) return 'bg-red-50 text-red-800 ring-red-600/20';
  return 'bg-slate-100 text-slate-800 ring-slate-500/20';
}

/** A key's recent requests, newest first, paged on the server. */
export async function AccessLogTable({
  actor,
  keyId,
  page,
  hrefForPage,
}: {
  actor: Actor;
  keyId: string;
  page: number;
  hrefForPage: (page: number) => string;
}) {
  const log = await getKeyAccessLog(actor, keyId, page);
  const now = new Date();
  return (
    <div>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-surface">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Recent requests">
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
            <tr>
              <th scope="col" className="px-4 py-3">
                Time (UTC)
              </th>
              <th scope="col" className="px-4 py-3">
                Request
              </th>
              <th scope="col" className="px-4 py-3">
                Status
              </th>
              <th scope="col" className="px-4 py-3">
                Client IP
              </th>
              <th scope="col" className="px-4 py-3">
                User agent
              </th>
              <th scope="col" className="px-4 py-3 text-right">
                Latency
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {log.entries.map((e) => (
              <tr key={e.id}>
                <td className="px-4 py-2 whitespace-nowrap">
                  <ExactTime value={e.at} />
                  <span className="block text-xs text-slate-600">
                    <RelativeTime value={e.at} now={now} />
                  </span>
                </td>
                <td className="px-4 py-2 font-mono text-xs">
                  <span className="font-semibold">{e.method}</span> {e.path}
                </td>
                <td className="px-4 py-2">
                  <span
                    className={`inline-flex rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${statusClass(e.status)}`}
                  >
                    {e.status}
                  </span>
                </td>
                <td className="px-4 py-2 font-mono text-xs">{e.ip ?? '—'}</td>
                <td className="max-w-xs truncate px-4 py-2 text-xs text-slate-600" title={e.userAgent ?? ''}>
                  {e.userAgent ?? '—'}
                </td>
                <td className="px-4 py-2 text-right tabular-nums">{e.latencyMs} ms</td>
              </tr>
            ))}
            {log.total === 0 && (
              <tr>
                <td colSpan={6} className="px-4 py-10 text-center text-slate-600">
                  No requests yet. Requests made with this key show up here within a few seconds.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager
        page={log.page}
        pages={log.pages}
        total={log.total}
        href={hrefForPage}
        label="Access log pages"
      />
      <p className="mt-2 text-xs text-slate-600">
        The newest {ACCESS_LOG_KEEP_PER_KEY.toLocaleString('en')} requests of the last{' '}
        {ACCESS_LOG_MAX_AGE_DAYS} days are kept.
      </p>
    </div>
  );
}
