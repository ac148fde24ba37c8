import { AuditChanges, AuditOrigin, AuditSentence, type AuditEventRow } from '@/components/audit/audit-event';
import { Cell, EmptyState, Row, TableShell } from '@/components/ui/table-shell';
import { ExactTime, RelativeTime } from '@/components/ui/time';

/** Audit events as sentences, newest first: when, what (who did what to which), from where, changes. */
export function AuditTable({
  events,
  showOrganisation,
  names,
  caption = 'Audit events, newest first',
  emptyText = 'No audit events match these filters.',
}: {
  events: AuditEventRow[];
  showOrganisation: boolean;
  /** Organisation ids → names, for tenant lists in the changes. */
  names: ReadonlyMap<string, string>;
  caption?: string;
  emptyText?: string;
}) {
  const now = new Date();
  return (
    <TableShell
      caption={caption}
      columns={[
        { id: 'when', header: 'When' },
        { id: 'event', header: 'Event' },
        { id: 'from', header: 'From' },
        { id: 'changes', header: 'Changes' },
      ]}
      empty={events.length === 0 && <EmptyState title={emptyText} />}
    >
      {events.map((e) => (
        <Row key={e.id} data-testid="audit-row">
          <Cell label="When" className="whitespace-nowrap">
            <RelativeTime value={e.occurredAt} now={now} />
            <span className="block text-xs text-slate-600">
              <ExactTime value={e.occurredAt} />
            </span>
          </Cell>
          <Cell wide className="sm:min-w-64">
            <AuditSentence event={e} />
            {showOrganisation && e.organisationName && (
              <span className="block text-xs text-slate-600">in {e.organisationName}</span>
            )}
          </Cell>
          <Cell label="From">
            <AuditOrigin event={e} />
          </Cell>
          <Cell label="Changes" className="sm:min-w-56">
            <AuditChanges changes={e.changes} names={names} />
          </Cell>
        </Row>
      ))}
    </TableShell>
  );
}
