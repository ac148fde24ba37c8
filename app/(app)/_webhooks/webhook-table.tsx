'use client';

import { useActionState, useEffect, useRef } from 'react';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Cell, Row, TableShell } from '@/components/ui/table-shell';
import { formatDateTime } from '@/lib/format';
import { useToast } from '@/components/ui/toast';
import { callAction } from '@/lib/client/call-action';
import { setWebhookStatusAction, type WebhookActionState } from './actions';
import type { WebhookRow } from './rows';

function statusBadge(row: WebhookRow): { tone: BadgeTone; label: string; title?: string } {
  if (row.status === 'active') return { tone: 'green', label: 'On' };
  if (row.status === 'paused') return { tone: 'grey', label: 'Paused' };
  switch (row.disabledReason) {
    case 'failing':
      return {
        tone: 'red',
        label: 'Off — kept failing',
        title: 'Switched off after failing deliveries in a row. Play to start it again.',
      };
    case 'gone':
      return { tone: 'red', label: 'Off — receiver gone', title: 'The receiver answered 410 Gone.' };
    case 'key_cleared':
      return { tone: 'orange', label: 'Off — key cleared', title: 'Its API key was cleared.' };
    default:
      return { tone: 'red', label: 'Off' };
  }
}

function ToggleButton({ row }: { row: WebhookRow }) {
  // A lost connection becomes an error toast, never a crashed page.
  const [state, action, pending] = useActionState<WebhookActionState, FormData>(
    (prev, formData) => callAction(() => setWebhookStatusAction(prev, formData)),
    { status: 'idle' },
  );
  const toast = useToast();
  const shown = useRef<WebhookActionState | null>(null);
  useEffect(() => {
    if (state === shown.current || state.status === 'idle') return;
    shown.current = state;
    if (state.status === 'success') toast.success(state.message ?? 'Saved.');
    else toast.error(state.message ?? 'Could not change the webhook.');
  }, [state, toast]);

  if (row.disabledReason === 'key_cleared') return null;
  const pause = row.status === 'active';
  const label = `${pause ? 'Pause' : 'Play'} ${row.entity}.${row.operation} webhook`;
  return (
    <form action={action}>
      <input type="hidden" name="id" value={row.id} />
      <input type="hidden" name="status" value={pause ? 'paused' : 'active'} />
      <Button type="submit" variant="secondary" size="sm" disabled={pending} aria-label={label} title={label}>
        <span aria-hidden="true">{pause ? '❚❚' : '▶'}</span>
        {pause ? 'Pause' : 'Play'}
      </Button>
    </form>
  );
}

function LastDeliveries({ row }: { row: WebhookRow }) {
  if (row.lastDeliveries.length === 0) return <span className="text-slate-600">None yet</span>;
  return (
    <ul className="space-y-0.5" aria-label="Last deliveries">
      {row.lastDeliveries.map((d) => {
        const ok = d.statusCode !== null && d.statusCode >= 200 && d.statusCode < 300;
        return (
          <li key={`${d.deliveryId}-${d.attempt}`} className="flex items-center gap-2 text-xs">
            <span
              aria-hidden="true"
              className={`inline-block h-2 w-2 rounded-full ${ok ? 'bg-emerald-500' : 'bg-rose-500'}`}
            />
            <span className={`font-mono ${ok ? 'text-emerald-700' : 'text-rose-700'}`}>
              {d.statusCode ?? 'failed'}
            </span>
            <span className="text-slate-600">{formatDateTime(d.attemptedAt)}</span>
            {d.attempt > 1 && <span className="text-slate-600">attempt {d.attempt}</span>}
            {!ok && d.error && (
              <span className="max-w-48 truncate text-slate-600" title={d.error}>
                {d.error}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The webhooks of a key: what they send where, whether they are on, their last deliveries, pause/play. */
export function WebhookTable({ rows, empty }: { rows: WebhookRow[]; empty: React.ReactNode }) {
  if (rows.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 bg-surface px-6 py-10 text-center text-sm text-slate-600">
        {empty}
      </div>
    );
  }
  return (
    <TableShell
      caption="Webhooks"
      columns={[
        { id: 'event', header: 'Event' },
        { id: 'url', header: 'URL' },
        { id: 'status', header: 'Status' },
        { id: 'deliveries', header: 'Last deliveries' },
        { id: 'actions', header: <span className="sr-only">Actions</span> },
      ]}
    >
      {rows.map((row) => {
        const badge = statusBadge(row);
        return (
          <Row key={row.id}>
            <Cell wide className="font-mono text-xs whitespace-nowrap">
              {row.entity}.{row.operation}
            </Cell>
            <Cell label="URL" className="max-w-xs">
              <span className="block truncate font-mono text-xs text-slate-700" title={row.url}>
                {row.url}
              </span>
              <span className="text-xs text-slate-600">Since {formatDateTime(row.createdAt)}</span>
            </Cell>
            <Cell label="Status">
              <Badge tone={badge.tone} title={badge.title}>
                {badge.label}
              </Badge>
              {row.status === 'active' && row.consecutiveFailures > 0 && (
                <p className="mt-1 text-xs text-rose-700">
                  {row.consecutiveFailures} failed attempt{row.consecutiveFailures > 1 ? 's' : ''} in a row
                </p>
              )}
            </Cell>
            <Cell label="Last deliveries">
              <LastDeliveries row={row} />
            </Cell>
            <Cell end className="sm:text-right">
              <ToggleButton row={row} />
            </Cell>
          </Row>
        );
      })}
    </TableShell>
  );
}
