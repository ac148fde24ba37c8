import Link from 'next/link';
import type { AuditEvent } from '@/db/schema';
import {
  auditActionWords,
  auditFieldLabel,
  auditValue,
  displayIp,
  summariseUserAgent,
} from '@/lib/audit-text';

export type AuditEventRow = AuditEvent & { organisationName: string | null; actorName: string | null };

const link =
  'font-medium text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700';

/** "Ada Admin regenerated Billing sync (sk_live_…N11m)", with links to the actor's events and the key. */
export function AuditSentence({ event }: { event: AuditEventRow }) {
  const words = auditActionWords(event.action);
  const actor =
    event.actorType === 'system'
      ? 'The system'
      : event.actorType === 'key'
        ? `API key ${event.actorLabel}`
        : (event.actorName ?? event.actorLabel);
  const target = event.targetLabel ?? event.targetId ?? '';
  const keyStillThere = event.targetType === 'api_key' && event.targetId && event.action !== 'key.deleted';
  return (
    <span data-testid="audit-sentence">
      {event.actorType === 'system' ? (
        <span className="font-medium">{actor}</span>
      ) : (
        <Link
          href={`/admin/audit-log?actor=${encodeURIComponent(event.actorLabel)}`}
          className={link}
          title={`Every event by ${event.actorLabel}`}
        >
          {actor}
        </Link>
      )}{' '}
      {words.verb} {words.noun && !keyStillThere && event.targetType !== 'api_key' ? `${words.noun} ` : ''}
      {keyStillThere ? (
        <Link href={`/admin/api-keys/${event.targetId}`} className={link}>
          {target}
        </Link>
      ) : (
        <span className="font-medium break-words">{target}</span>
      )}
    </span>
  );
}

/** Where the change came from: the IP (IPv4-mapped shown as IPv4) and the client in a few words. */
export function AuditOrigin({ event }: { event: Pick<AuditEvent, 'ip' | 'userAgent'> }) {
  const ip = displayIp(event.ip);
  const client = summariseUserAgent(event.userAgent);
  if (!ip && !client) return <span className="text-slate-600">—</span>;
  return (
    <span className="text-xs">
      {ip && <span className="block font-mono">{ip}</span>}
      {client && (
        <span className="block text-slate-600" title={event.userAgent ?? undefined}>
          {client}
        </span>
      )}
    </span>
  );
}

/** What changed, field by field: before → after, organisation ids as names. */
export function AuditChanges({
  changes,
  names,
}: {
  changes: AuditEvent['changes'];
  names?: ReadonlyMap<string, string>;
}) {
  const entries = Object.entries(changes ?? {})
    .map(([field, c]) => ({ field, before: auditValue(c.before, names), after: auditValue(c.after, names) }))
    .filter((c) => c.before !== c.after);
  if (entries.length === 0) return <span className="text-slate-600">—</span>;
  return (
    <dl className="space-y-1 text-xs">
      {entries.map(({ field, before, after }) => (
        <div key={field}>
          <dt className="inline font-medium text-slate-700">{auditFieldLabel(field)}: </dt>
          <dd className="inline break-words text-slate-700">
            {before !== '—' && (
              <>
                <del className="text-rose-700 decoration-rose-300">{before}</del>
                <span aria-hidden="true"> → </span>
                <span className="sr-only"> changed to </span>
              </>
            )}
            <ins className="text-emerald-800 no-underline">{after}</ins>
          </dd>
        </div>
      ))}
    </dl>
  );
}
