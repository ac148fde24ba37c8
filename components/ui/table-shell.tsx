/** The frame of a data table: a scrollable card, header styles, and an empty state. */
export function TableShell({
  children,
  caption,
  busy,
}: {
  children: React.ReactNode;
  caption: string;
  busy?: boolean;
}) {
  return (
    <div
      className={`overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm transition-opacity ${busy ? 'opacity-60' : ''}`}
      aria-busy={busy || undefined}
    >
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function EmptyRow({
  colSpan,
  title,
  hint,
}: {
  colSpan: number;
  title: string;
  hint?: React.ReactNode;
}) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-4 py-14 text-center">
        <p className="font-medium text-slate-700">{title}</p>
        {hint && <p className="mt-1 text-sm text-slate-500">{hint}</p>}
      </td>
    </tr>
  );
}
