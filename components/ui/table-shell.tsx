/**
 * THE data table of the app. On wide screens a table in a card that scrolls inside itself (never the
 * page); below the `sm` breakpoint every row becomes a card with each cell's label beside its value,
 * so a phone never scrolls sideways. The header stays in the accessibility tree on phones (visually
 * hidden), and the frame is `relative` so visually hidden text cannot escape it and widen the page.
 */
export type TableColumn = {
  id: string;
  header: React.ReactNode;
  /** aria-sort of a sortable column. */
  sort?: 'ascending' | 'descending' | 'none';
  className?: string;
};

export function TableShell({
  caption,
  columns,
  children,
  busy,
  empty,
  testId,
}: {
  caption: string;
  columns: TableColumn[];
  /** The rows: <Row> elements with <Cell>s in column order. */
  children: React.ReactNode;
  busy?: boolean;
  /** Shown in place of the rows when there are none. */
  empty?: React.ReactNode;
  testId?: string;
}) {
  return (
    <div
      data-testid={testId}
      aria-busy={busy || undefined}
      className={`relative overflow-x-auto rounded-xl border border-slate-200 bg-surface shadow-sm transition-opacity max-sm:overflow-x-visible ${busy ? 'opacity-60' : ''}`}
    >
      <table className="min-w-full divide-y divide-slate-200 text-sm max-sm:block">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase max-sm:sr-only">
          <tr>
            {columns.map((c) => (
              <th
                key={c.id}
                scope="col"
                aria-sort={c.sort}
                className={`px-3 py-3 align-bottom ${c.className ?? ''}`}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 max-sm:block">
          {children}
          {empty && (
            <tr className="max-sm:block">
              <td colSpan={columns.length} className="px-4 py-14 text-center max-sm:block">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A row: a table row on wide screens, a card on phones. */
export function Row({
  children,
  className = '',
  ...props
}: React.HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined }) {
  return (
    <tr
      className={`align-top hover:bg-slate-50 max-sm:flex max-sm:flex-wrap max-sm:gap-x-4 max-sm:gap-y-2 max-sm:px-4 max-sm:py-3 ${className}`}
      {...props}
    >
      {children}
    </tr>
  );
}

/**
 * A cell. `label` is printed before the value on phones (the header is hidden there); a `wide` cell
 * takes the card's full width (the name), an `end` cell sits at its top right (the actions).
 */
export function Cell({
  label,
  wide = false,
  end = false,
  className = '',
  children,
  title,
}: {
  label?: string;
  wide?: boolean;
  end?: boolean;
  className?: string;
  children: React.ReactNode;
  title?: string;
}) {
  // On a phone card: the wide cell first, the end cell beside it, the rest two by two below.
  const phone = wide
    ? 'max-sm:order-1 max-sm:min-w-0 max-sm:flex-1 max-sm:basis-[calc(100%-8rem)]'
    : end
      ? 'max-sm:order-2 max-sm:ml-auto'
      : 'max-sm:order-3 max-sm:min-w-0 max-sm:basis-[calc(50%-0.5rem)] max-sm:grow';
  return (
    <td
      data-label={label}
      title={title}
      className={`px-3 py-3 max-sm:block max-sm:p-0 ${label ? 'max-sm:before:block max-sm:before:text-xs max-sm:before:font-medium max-sm:before:text-slate-600 max-sm:before:content-[attr(data-label)]' : ''} ${phone} ${className}`}
    >
      {children}
    </td>
  );
}

/** The content of an empty table: what is missing and what to do. */
export function EmptyState({ title, hint }: { title: string; hint?: React.ReactNode }) {
  return (
    <>
      <p className="font-medium text-slate-700">{title}</p>
      {hint && <p className="mt-1 text-sm text-slate-600">{hint}</p>}
    </>
  );
}
