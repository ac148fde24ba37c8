import Link from 'next/link';
import { formatCount } from '@/lib/format';

/** Previous / next links for server-side paging, with "Page 2 of 7" between them. */
export function Pager({
  page,
  pages,
  total,
  href,
  label,
  className = '',
}: {
  page: number;
  pages: number;
  total: number;
  href: (page: number) => string;
  /** Names the navigation landmark, e.g. "Access log pages". */
  label: string;
  className?: string;
}) {
  if (pages <= 1) return null;
  const link =
    'rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50';
  const disabled = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-600';
  return (
    <nav
      aria-label={label}
      className={`flex flex-wrap items-center justify-between gap-3 pt-3 text-sm ${className}`}
    >
      <span className="text-slate-600">
        Page {page} of {pages} · {formatCount(total)} in all
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className={link} href={href(page - 1)} rel="prev" scroll={false}>
            Previous
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            Previous
          </span>
        )}
        {page < pages ? (
          <Link className={link} href={href(page + 1)} rel="next" scroll={false}>
            Next
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            Next
          </span>
        )}
      </span>
    </nav>
  );
}
