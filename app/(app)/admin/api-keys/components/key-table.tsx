'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Cell, EmptyState, Row, TableShell, type TableColumn } from '@/components/ui/table-shell';
import { DateOnly } from '@/components/ui/time';
import { formatExpiry } from '@/lib/format';
import { summarisePermissions } from '@/lib/permissions';
import type { ApiKeyView } from '@/lib/validation/api-keys';
import type { ApiKeySort, ListApiKeysInput } from '@/lib/validation/api-keys';
import { listHref } from '../list-params';
import type { TenantChoices } from './api-key-form';
import { KeyActions } from './key-actions';
import { KeyNotes } from './key-notes';
import { StatusBadge } from './status-badge';

const DAY = 86_400_000;

/** Which way a column sorts first: names A→Z, dates newest first. */
const ASCENDING_FIRST: ApiKeySort[] = ['name', 'created_by'];

function SortButton({
  id,
  label,
  filter,
  go,
}: {
  id: ApiKeySort;
  label: string;
  filter: ListApiKeysInput;
  go: (patch: Partial<ListApiKeysInput>) => void;
}) {
  const sorted = filter.sort === id ? filter.order : null;
  return (
    <button
      type="button"
      onClick={() => {
        // A column newly chosen starts in its natural direction; the chosen one flips.
        const desc = sorted ? sorted === 'asc' : !ASCENDING_FIRST.includes(id);
        go({ sort: id, order: desc ? 'desc' : 'asc', page: 1 });
      }}
      className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
    >
      {label}
      <span aria-hidden="true" className={sorted ? 'text-indigo-700' : 'text-slate-600'}>
        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
      </span>
    </button>
  );
}

/** A lock beside the name of a protected key; screen readers hear "Protected: cannot be deleted". */
function ProtectedLock() {
  return (
    <svg
      role="img"
      aria-label="Protected: cannot be deleted"
      viewBox="0 0 20 20"
      fill="currentColor"
      className="ml-1 inline h-3.5 w-3.5 align-[-2px] text-slate-600"
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

/** "Never" for a key old enough to count as unused; "Not used yet" for a new one (as the dashboard). */
function LastUsed({ apiKey, now }: { apiKey: ApiKeyView; now: number }) {
  if (apiKey.lastUsedAt) return <DateOnly value={apiKey.lastUsedAt} />;
  const young = now - apiKey.createdAt.getTime() < 30 * DAY;
  return <span className="text-slate-600">{young ? 'Not used yet' : 'Never'}</span>;
}

/** The key list: a table on wide screens, one card per key on phones. */
export function KeyTable({
  keys,
  filter,
  go,
  busy,
  tenantChoices,
  orgNames,
}: {
  keys: ApiKeyView[];
  filter: ListApiKeysInput;
  go: (patch: Partial<ListApiKeysInput>) => void;
  busy: boolean;
  tenantChoices: TenantChoices;
  /** Set for a superadmin: each key shows its owning organisation. */
  orgNames?: Map<string, string>;
}) {
  const sortable = (id: ApiKeySort, label: string): TableColumn => ({
    id,
    header: <SortButton id={id} label={label} filter={filter} go={go} />,
    sort: filter.sort === id ? (filter.order === 'asc' ? 'ascending' : 'descending') : undefined,
  });
  const columns: TableColumn[] = [
    sortable('name', 'Name'),
    sortable('created_by', 'Created by'),
    { id: 'key', header: 'Key' },
    { id: 'status', header: 'Status' },
    { id: 'permissions', header: 'Permissions' },
    { id: 'tenants', header: 'Allowed tenants' },
    sortable('created', 'Created'),
    sortable('expires', 'Expires'),
    sortable('last_used', 'Last used'),
    { id: 'actions', header: <span className="sr-only">Actions</span> },
  ];
  const filtered = filter.q !== '' || filter.status !== 'current';
  const [now] = useState(() => Date.now());

  return (
    <TableShell
      caption="API keys"
      columns={columns}
      busy={busy}
      testId="key-list"
      empty={
        keys.length === 0 && (
          <EmptyState
            title={filtered ? 'No keys match this view.' : 'No API keys yet.'}
            hint={
              filtered ? (
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
        )
      }
    >
      {keys.map((k) => {
        const permissions = summarisePermissions(k.permissions);
        const tenants = k.allTenants ? 'All tenants' : k.tenants.map((t) => t.name).join(', ');
        const ended = k.status === 'revoked';
        return (
          <Row key={k.id} data-key-id={k.id}>
            <Cell wide>
              <div className="sm:max-w-48">
                <Link
                  href={`/admin/api-keys/${k.id}`}
                  className="font-medium text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                >
                  {k.name}
                </Link>
                {k.protected && <ProtectedLock />}
                {k.description && (
                  <p className="truncate text-xs text-slate-600" title={k.description}>
                    {k.description}
                  </p>
                )}
                {orgNames && <p className="text-xs text-slate-700">{orgNames.get(k.organisationId) ?? ''}</p>}
              </div>
            </Cell>
            <Cell label="Created by">
              {k.createdBy ? (
                <span title={k.createdBy.email}>{k.createdBy.name}</span>
              ) : (
                <span className="text-slate-600">{k.createdByKeyId ? 'An API key' : '—'}</span>
              )}
            </Cell>
            <Cell label="Key">
              <code className="font-mono text-xs whitespace-nowrap">{k.visibleId}</code>
            </Cell>
            <Cell label="Status">
              <span className="flex flex-col items-start gap-1">
                <StatusBadge status={k.displayStatus} />
                <KeyNotes apiKey={k} />
              </span>
            </Cell>
            <Cell label="Permissions">
              <p className="line-clamp-2 text-xs sm:max-w-44" title={permissions}>
                {permissions}
              </p>
            </Cell>
            <Cell label="Allowed tenants">
              <p
                className={`line-clamp-2 text-xs sm:max-w-32 ${k.allTenants ? 'font-medium text-amber-700' : ''}`}
                title={tenants}
              >
                {tenants}
              </p>
            </Cell>
            <Cell label="Created">
              <DateOnly value={k.createdAt} />
            </Cell>
            <Cell label="Expires">
              {/* A revoked key is over: no warning about an expiry it will never reach. */}
              <span
                className={`whitespace-nowrap ${!k.expiresAt && !ended ? 'text-amber-700' : ''}`}
                title={k.expiresAt ? 'The last day the key works (UTC)' : undefined}
              >
                {ended && !k.expiresAt ? '—' : formatExpiry(k.expiresAt)}
              </span>
            </Cell>
            <Cell label="Last used">
              <LastUsed apiKey={k} now={now} />
            </Cell>
            <Cell end>
              <KeyActions apiKey={k} tenantChoices={tenantChoices} />
            </Cell>
          </Row>
        );
      })}
    </TableShell>
  );
}
