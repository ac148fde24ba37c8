import { formatDate, formatDateTime, formatRelative, formatUtc } from '@/lib/format';

/** A time shown relative ("3 hours ago", "in 2 weeks") with the exact UTC time on hover or beside it. */
export function RelativeTime({
  value,
  empty = 'Never',
  showExact = false,
  now,
}: {
  value: Date | null;
  empty?: string;
  /** Print the exact time too, not only in the tooltip. */
  showExact?: boolean;
  now?: Date;
}) {
  if (!value) return <span className="text-slate-600">{empty}</span>;
  const exact = formatDateTime(value);
  return (
    <span>
      <time dateTime={value.toISOString()} title={exact}>
        {formatRelative(value, now)}
      </time>
      {showExact && <span className="ml-1 text-xs text-slate-600">({exact})</span>}
    </span>
  );
}

/** An exact time ("27 Feb 2027, 09:04 UTC"; with seconds where order within a minute matters). */
export function ExactTime({ value, seconds = false }: { value: Date; seconds?: boolean }) {
  return <time dateTime={value.toISOString()}>{seconds ? formatUtc(value) : formatDateTime(value)}</time>;
}

/** A day ("27 Feb 2027") with the exact time on hover. */
export function DateOnly({ value, empty = '—' }: { value: Date | null; empty?: string }) {
  if (!value) return <span className="text-slate-600">{empty}</span>;
  return (
    <time dateTime={value.toISOString()} title={formatDateTime(value)} className="whitespace-nowrap">
      {formatDate(value)}
    </time>
  );
}
