import { Pager } from '@/components/ui/pager';
import { Cell, EmptyState, Row, TableShell } from '@/components/ui/table-shell';
import { displayIp, summariseUserAgent } from '@/lib/audit-text';
import { ExactTime, RelativeTime } from '@/components/ui/time';
import { ACCESS_LOG_KEEP_PER_KEY, ACCESS_LOG_MAX_AGE_DAYS, getKeyAccessLog } from '@/lib/services/usage';
import type { Actor } from '@/lib/actor';
import { formatCount } from '@/lib/format';

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
      <TableShell
        caption="Recent requests"
        columns={[
          { id: 'time', header: 'Time' },
          { id: 'status', header: 'Status' },
          { id: 'request', header: 'Request' },
          { id: 'ip', header: 'Client IP' },
          { id: 'agent', header: 'Client' },
          { id: 'latency', header: 'Latency', className: 'text-right' },
        ]}
        empty={
          log.total === 0 && (
            <EmptyState
              title="No requests yet."
              hint="Requests made with this key show up here within a few seconds."
            />
          )
        }
      >
        {log.entries.map((e) => (
          <Row key={e.id}>
            <Cell wide className="whitespace-nowrap">
              <ExactTime value={e.at} seconds />
              <span className="block text-xs text-slate-600">
                <RelativeTime value={e.at} now={now} />
              </span>
            </Cell>
            <Cell end>
              <span
                className={`inline-flex rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${statusClass(e.status)}`}
              >
                {e.status}
              </span>
            </Cell>
            <Cell label="Request" className="font-mono text-xs break-all">
              <span className="font-semibold">{e.method}</span> {e.path}
            </Cell>
            <Cell label="Client IP" className="font-mono text-xs">
              {displayIp(e.ip) ?? '—'}
            </Cell>
            <Cell label="Client" className="text-xs text-slate-700" title={e.userAgent ?? ''}>
              {summariseUserAgent(e.userAgent) ?? '—'}
            </Cell>
            <Cell label="Latency" className="tabular-nums sm:text-right">
              {e.latencyMs} ms
            </Cell>
          </Row>
        ))}
      </TableShell>
      <Pager
        page={log.page}
        pages={log.pages}
        total={log.total}
        href={hrefForPage}
        label="Access log pages"
      />
      <p className="mt-2 text-xs text-slate-600">
        The newest {formatCount(ACCESS_LOG_KEEP_PER_KEY)} requests of the last {ACCESS_LOG_MAX_AGE_DAYS} days
        are kept.
      </p>
    </div>
  );
}
