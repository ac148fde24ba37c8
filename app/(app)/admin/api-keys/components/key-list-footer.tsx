'use client';

import { Pager } from '@/components/ui/pager';
import type { ListApiKeysInput } from '@/lib/validation/api-keys';
import { listHref } from '../list-params';

/** "1–20 of 57 keys", rows per page and the shared pager. */
export function KeyListFooter({
  filter,
  total,
  pages,
  go,
}: {
  filter: ListApiKeysInput;
  total: number;
  pages: number;
  go: (patch: Partial<ListApiKeysInput>) => void;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700">
      <p aria-live="polite">
        {total === 0
          ? 'No keys'
          : `${(filter.page - 1) * filter.limit + 1}–${Math.min(filter.page * filter.limit, total)} of ${total} keys`}
      </p>
      <div className="flex items-center gap-2">
        <label htmlFor="key-page-size" className="text-xs">
          Rows per page
        </label>
        <select
          id="key-page-size"
          value={filter.limit}
          onChange={(e) => go({ limit: Number(e.currentTarget.value), page: 1 })}
          className="rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm"
        >
          {[10, 20, 50, 100].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <Pager
        page={filter.page}
        pages={pages}
        total={total}
        href={(page) => listHref(filter, { page })}
        label="API key pages"
        className="w-full"
      />
    </div>
  );
}
