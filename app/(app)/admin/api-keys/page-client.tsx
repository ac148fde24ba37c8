'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useTransition } from 'react';
import {
  columnFilteringFeature,
  createColumnHelper,
  globalFilteringFeature,
  rowPaginationFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type PaginationState,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { inputClasses } from '@/components/ui/field';
import { EmptyRow, TableShell } from '@/components/ui/table-shell';
import { summarisePermissions } from '@/lib/permissions';
import type { ApiKeyView } from '@/lib/services/api-keys';
import type { ApiKeySort, ApiKeyStatusFilter, ListApiKeysInput } from '@/lib/validation/api-keys';
import { createApiKeyAction } from './actions';
import { ApiKeyForm, type TenantChoices } from './components/api-key-form';
import { formatDate, formatDateTime, formatExpiry } from './components/format';
import { KeyActions } from './components/key-actions';
import { StatusBadge } from './components/status-badge';
import { KeyNotes } from './components/key-notes';
import { listHref } from './list-params';

// Paging, sorting and filtering happen in the database (the URL is the state); the table only renders.
const features = tableFeatures({
  columnFilteringFeature,
  globalFilteringFeature,
  rowSortingFeature,
  rowPaginationFeature,
});
const column = createColumnHelper<typeof features, ApiKeyView>();

const TABS: {
  label: string;
  status: ApiKeyStatusFilter;
  options: { value: ApiKeyStatusFilter; label: string }[];
}[] = [
  {
    label: 'Keys',
    status: 'current',
    options: [
      { value: 'current', label: 'All' },
      { value: 'active', label: 'Active' },
      { value: 'expiring_soon', label: 'Expiring soon' },
      { value: 'disabled', label: 'Disabled' },
      { value: 'unused', label: 'Unused for 30+ days' },
    ],
  },
  {
    label: 'Revoked / Expired',
    status: 'ended',
    options: [
      { value: 'ended', label: 'All' },
      { value: 'expired', label: 'Expired' },
      { value: 'revoked', label: 'Revoked' },
    ],
  },
  {
    label: 'All keys',
    status: 'all',
    options: [
      { value: 'all', label: 'All' },
      { value: 'active', label: 'Active' },
      { value: 'expiring_soon', label: 'Expiring soon' },
      { value: 'expired', label: 'Expired' },
      { value: 'disabled', label: 'Disabled' },
      { value: 'revoked', label: 'Revoked' },
      { value: 'unused', label: 'Unused for 30+ days' },
    ],
  },
];

function tabOf(status: ApiKeyStatusFilter) {
  if (status === 'all') return TABS[2];
  return TABS.find((t) => t.options.some((o) => o.value === status)) ?? TABS[0];
}

/** Which way a column sorts first: names A→Z, dates newest first. */
const ASCENDING_FIRST: ApiKeySort[] = ['name', 'created_by'];

/** What cells need from the page; a context keeps the column definitions static (stable cell components). */
const ListContext = createContext<{
  tenantChoices: TenantChoices;
  orgNames: Map<string, string>;
  showOrganisation: boolean;
} | null>(null);

function useList() {
  const value = useContext(ListContext);
  if (!value) throw new Error('ListContext missing');
  return value;
}

/** A lock beside the name of a protected key; screen readers hear "Protected: cannot be deleted". */
function ProtectedLock() {
  return (
    <svg
      role="img"
      aria-label="Protected: cannot be deleted"
      viewBox="0 0 20 20"
      fill="currentColor"
      className="ml-1 inline h-3.5 w-3.5 align-[-2px] text-slate-500"
    >
      <title>Protected: cannot be deleted</title>
      <path
        fillRule="evenodd"
        d="M10 1a4.5 4.5 0 0 0-4.5 4.5V9H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2h-.5V5.5A4.5 4.5 0 0 0 10 1Zm3 8V5.5a3 3 0 1 0-6 0V9h6Z"
        clipRule="evenodd"
      />
    </svg>
  );
}

function NameCell({ apiKey }: { apiKey: ApiKeyView }) {
  const { orgNames, showOrganisation } = useList();
  return (
    <div className="max-w-48">
      <Link
        href={`/admin/api-keys/${apiKey.id}`}
        className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
      >
        {apiKey.name}
      </Link>
      {apiKey.protected && <ProtectedLock />}
      {apiKey.description && (
        <p className="truncate text-xs text-slate-500" title={apiKey.description}>
          {apiKey.description}
        </p>
      )}
      {showOrganisation && (
        <p className="text-xs text-indigo-600">{orgNames.get(apiKey.organisationId) ?? ''}</p>
      )}
    </div>
  );
}

function ActionsCell({ apiKey }: { apiKey: ApiKeyView }) {
  const { tenantChoices } = useList();
  return <KeyActions apiKey={apiKey} tenantChoices={tenantChoices} />;
}

const columns = column.columns([
  column.accessor('name', {
    id: 'name',
    header: 'Name',
    cell: ({ row }) => <NameCell apiKey={row.original} />,
  }),
  column.accessor((k) => k.createdBy?.name ?? '', {
    id: 'created_by',
    header: 'Created by',
    cell: ({ row }) =>
      row.original.createdBy ? (
        <span title={row.original.createdBy.email}>{row.original.createdBy.name}</span>
      ) : (
        <span className="text-slate-400">{row.original.createdByKeyId ? 'An API key' : '—'}</span>
      ),
  }),
  column.accessor('visibleId', {
    id: 'key',
    header: 'Key',
    enableSorting: false,
    cell: (info) => <code className="font-mono text-xs whitespace-nowrap">{info.getValue()}</code>,
  }),
  column.accessor('displayStatus', {
    id: 'status',
    header: 'Status',
    enableSorting: false,
    cell: (info) => (
      <span className="flex flex-col items-start gap-1">
        <StatusBadge status={info.getValue()} />
        <KeyNotes apiKey={info.row.original} />
      </span>
    ),
  }),
  column.accessor((k) => summarisePermissions(k.permissions), {
    id: 'permissions',
    header: 'Permissions',
    enableSorting: false,
    cell: (info) => (
      <p className="line-clamp-2 max-w-44 text-xs" title={info.getValue()}>
        {info.getValue()}
      </p>
    ),
  }),
  column.accessor((k) => (k.allTenants ? 'All tenants' : k.tenants.map((t) => t.name).join(', ')), {
    id: 'tenants',
    header: 'Allowed tenants',
    enableSorting: false,
    cell: ({ row, getValue }) =>
      row.original.allTenants ? (
        <span className="text-xs font-medium text-amber-700">All tenants</span>
      ) : (
        <p className="line-clamp-2 max-w-32 text-xs">{getValue()}</p>
      ),
  }),
  column.accessor('createdAt', {
    id: 'created',
    header: 'Created',
    sortDescFirst: true,
    cell: (info) => <span className="whitespace-nowrap">{formatDate(info.getValue())}</span>,
  }),
  column.accessor('expiresAt', {
    id: 'expires',
    header: 'Expires',
    sortDescFirst: true,
    cell: (info) => (
      <span className={`whitespace-nowrap ${info.getValue() ? '' : 'text-amber-700'}`}>
        {formatExpiry(info.getValue())}
      </span>
    ),
  }),
  column.accessor('lastUsedAt', {
    id: 'last_used',
    header: 'Last used',
    sortDescFirst: true,
    cell: (info) => (
      <span className="whitespace-nowrap" title={formatDateTime(info.getValue())}>
        {info.getValue() ? formatDate(info.getValue()) : 'Never'}
      </span>
    ),
  }),
  column.display({
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row }) => <ActionsCell apiKey={row.original} />,
  }),
]);

export function ApiKeysPageClient({
  keys,
  total,
  pages,
  filter,
  endedCount,
  tenantChoices,
  showOrganisation,
}: {
  keys: ApiKeyView[];
  total: number;
  pages: number;
  filter: ListApiKeysInput;
  endedCount: number;
  tenantChoices: TenantChoices;
  showOrganisation: boolean;
}) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const [creating, setCreating] = useState(0);
  const closeCreate = useCallback(() => setCreating(0), []);

  const go = useCallback(
    (patch: Partial<ListApiKeysInput>) => {
      startNavigation(() => router.push(listHref(filter, patch), { scroll: false }));
    },
    [filter, router],
  );

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

  const sorting: SortingState = useMemo(
    () => [{ id: filter.sort, desc: filter.order === 'desc' }],
    [filter.sort, filter.order],
  );
  const pagination: PaginationState = useMemo(
    () => ({ pageIndex: filter.page - 1, pageSize: filter.limit }),
    [filter.page, filter.limit],
  );
  const columnFilters = useMemo(() => [{ id: 'status', value: filter.status }], [filter.status]);

  const table = useTable({
    features,
    columns,
    data: keys,
    getRowId: (row) => row.id,
    rowCount: total,
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { sorting, pagination, globalFilter: filter.q, columnFilters },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (!first) return;
      const sort = first.id as ApiKeySort;
      // A column newly chosen starts in its natural direction.
      const desc = sort === filter.sort ? first.desc : !ASCENDING_FIRST.includes(sort);
      go({ sort, order: desc ? 'desc' : 'asc', page: 1 });
    },
    onPaginationChange: (updater: Updater<PaginationState>) => {
      const next = typeof updater === 'function' ? updater(pagination) : updater;
      go({ page: next.pageIndex + 1, limit: next.pageSize });
    },
  });

  const tab = tabOf(filter.status);
  const orgNames = useMemo(
    () => new Map(tenantChoices.organisations.map((o) => [o.id, o.name])),
    [tenantChoices.organisations],
  );
  const listContext = useMemo(
    () => ({ tenantChoices, orgNames, showOrganisation }),
    [tenantChoices, orgNames, showOrganisation],
  );

  return (
    <ListContext.Provider value={listContext}>
      <div className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200">
          <nav aria-label="Key lists" className="-mb-px flex gap-4 text-sm">
            {TABS.map((t) => (
              <Link
                key={t.status}
                href={listHref({ ...filter, status: t.status, page: 1 })}
                aria-current={t === tab ? 'page' : undefined}
                className="border-b-2 border-transparent px-1 pb-2 font-medium text-slate-500 hover:text-slate-800 aria-[current=page]:border-indigo-600 aria-[current=page]:text-indigo-700"
              >
                {t.label}
                {t.status === 'ended' && (
                  <span className="ml-1.5 rounded-full bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
                    {endedCount}
                  </span>
                )}
              </Link>
            ))}
          </nav>
          <div className="pb-2">
            <Button onClick={() => setCreating((n) => n + 1)}>Add API key</Button>
          </div>
        </div>

        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-64 flex-1">
            <label htmlFor="key-search" className="block text-xs font-medium text-slate-600">
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
          <div>
            <label htmlFor="key-status" className="block text-xs font-medium text-slate-600">
              Status
            </label>
            <select
              id="key-status"
              value={filter.status}
              onChange={(e) => go({ status: e.currentTarget.value as ApiKeyStatusFilter, page: 1 })}
              className={`mt-1 ${inputClasses} w-52`}
            >
              {tab.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        </div>

        <TableShell caption="API keys" busy={navigating}>
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className="px-3 py-3 align-bottom"
                      aria-sort={
                        sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                      }
                    >
                      {header.column.getCanSort() ? (
                        <button
                          type="button"
                          onClick={header.column.getToggleSortingHandler()}
                          className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
                        >
                          <table.FlexRender header={header} />
                          <span aria-hidden="true" className={sorted ? 'text-indigo-600' : 'text-slate-300'}>
                            {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                          </span>
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-slate-100">
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} data-key-id={row.id} className="align-top hover:bg-slate-50/60">
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className="px-3 py-3">
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
            {keys.length === 0 && (
              <EmptyRow
                colSpan={columns.length}
                title={
                  filter.q || filter.status !== 'current' ? 'No keys match this view.' : 'No API keys yet.'
                }
                hint={
                  filter.q || filter.status !== 'current' ? (
                    <Link
                      href={listHref({ ...filter, q: '', status: 'current', page: 1 })}
                      className="text-indigo-700 underline"
                    >
                      Clear the search and filters
                    </Link>
                  ) : (
                    'Create a key for each integration, with only the permissions it needs.'
                  )
                }
              />
            )}
          </tbody>
        </TableShell>

        <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
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
              onChange={(e) => table.setPageSize(Number(e.currentTarget.value))}
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
            >
              {[10, 20, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <Button
              variant="secondary"
              size="sm"
              onClick={() => table.previousPage()}
              disabled={filter.page <= 1}
            >
              Previous
            </Button>
            <span>
              Page {filter.page} of {pages}
            </span>
            <Button
              variant="secondary"
              size="sm"
              onClick={() => table.nextPage()}
              disabled={filter.page >= pages}
            >
              Next
            </Button>
          </div>
        </div>

        {creating > 0 && (
          <Dialog
            key={creating}
            title="Add API key"
            description="The key is shown once, right after it is created."
            onClose={closeCreate}
            size="lg"
          >
            <ApiKeyForm
              mode="create"
              action={createApiKeyAction}
              tenantChoices={tenantChoices}
              onClose={closeCreate}
            />
          </Dialog>
        )}
      </div>
    </ListContext.Provider>
  );
}
