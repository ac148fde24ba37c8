'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { inputClasses } from '@/components/ui/field';
import type { ApiKeyStatusFilter, ListApiKeysInput } from '@/lib/validation/api-keys';
import { listHref } from '../list-params';
import { TABS, tabOf } from './key-list-tabs';

/** Tabs, "Add API key", the search box and the status filter above the list. */
export function KeyListToolbar({
  filter,
  endedCount,
  go,
  onAdd,
}: {
  filter: ListApiKeysInput;
  endedCount: number;
  go: (patch: Partial<ListApiKeysInput>) => void;
  onAdd: () => void;
}) {
  const tab = tabOf(filter.status);

  // The search box follows the URL (back button) and updates it after a pause in typing.
  const [q, setQ] = useState(filter.q);
  const [urlQ, setUrlQ] = useState(filter.q);
  if (filter.q !== urlQ) {
    setUrlQ(filter.q);
    setQ(filter.q);
  }
  useEffect(() => {
    if (q.trim() === filter.q) return;
    const timer = setTimeout(() => go({ q: q.trim(), page: 1 }), 300);
    return () => clearTimeout(timer);
  }, [q, filter.q, go]);

  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200">
        <nav aria-label="Key lists" className="-mb-px flex gap-4 overflow-x-auto text-sm">
          {TABS.map((t) => (
            <Link
              key={t.status}
              href={listHref({ ...filter, status: t.status, page: 1 })}
              aria-current={t === tab ? 'page' : undefined}
              className="border-b-2 border-transparent px-1 pb-2 font-medium whitespace-nowrap text-slate-600 hover:text-slate-900 aria-[current=page]:border-indigo-600 aria-[current=page]:text-indigo-700"
            >
              {t.label}
              {t.status === 'ended' && (
                <span className="ml-1.5 rounded-full bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
                  {endedCount}
                </span>
              )}
            </Link>
          ))}
        </nav>
        <div className="pb-2 max-sm:w-full">
          <Button onClick={onAdd} className="max-sm:w-full">
            Add API key
          </Button>
        </div>
      </div>

      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1 basis-64">
          <label htmlFor="key-search" className="block text-xs font-medium text-slate-700">
            Search
          </label>
          <input
            id="key-search"
            type="search"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            placeholder="Name, description or key (e.g. sk_live_…XyZ9)"
            className={`mt-1 ${inputClasses}`}
          />
        </div>
        <div className="max-sm:w-full">
          <label htmlFor="key-status" className="block text-xs font-medium text-slate-700">
            Status
          </label>
          <select
            id="key-status"
            value={filter.status}
            onChange={(e) => go({ status: e.currentTarget.value as ApiKeyStatusFilter, page: 1 })}
            className={`mt-1 ${inputClasses} sm:w-52`}
          >
            {tab.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      </div>
    </>
  );
}
