import { formatRelative, formatUtc } from '@/lib/format';

/** A time shown relative ("3 minutes ago") with the exact UTC time beside it or on hover. */
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
  if (!value) return <span className="text-slate-500">{empty}</span>;
  const exact = formatUtc(value);
  return (
    <span>
      <time dateTime={value.toISOString()} title={exact}>
        {formatRelative(value, now)}
      </time>
      {showExact && <span className="ml-1 text-xs text-slate-500">({exact})</span>}
    </span>
  );
}

/** An exact UTC time. */
export function ExactTime({ value }: { value: Date }) {
  return <time dateTime={value.toISOString()}>{formatUtc(value)}</time>;
}
