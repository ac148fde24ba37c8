'use client';

import { useCallback, useMemo, useState } from 'react';
import type { ApiKeyView } from '@/lib/validation/api-keys';
import type { ListApiKeysInput } from '@/lib/validation/api-keys';
import type { TenantChoices } from './components/api-key-form';
import { CreateKeyDialog } from './components/create-key-dialog';
import { KeyListFooter } from './components/key-list-footer';
import { KeyListToolbar } from './components/key-list-toolbar';
import { KeyTable } from './components/key-table';
import { useListNavigation } from './components/use-list-navigation';

/**
 * The key list's interactive part. Paging, sorting and filtering happen in the database and the URL
 * is the state (bookmarks and the back button work); this only renders and navigates.
 */
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
  const { go, navigating } = useListNavigation(filter);
  // A counter, not a boolean: each opening mounts a fresh form.
  const [creating, setCreating] = useState(0);
  const closeCreate = useCallback(() => setCreating(0), []);
  const orgNames = useMemo(
    () => (showOrganisation ? new Map(tenantChoices.organisations.map((o) => [o.id, o.name])) : undefined),
    [showOrganisation, tenantChoices.organisations],
  );

  return (
    <div className="space-y-4">
      <KeyListToolbar
        filter={filter}
        endedCount={endedCount}
        go={go}
        onAdd={() => setCreating((n) => n + 1)}
      />
      <KeyTable
        keys={keys}
        filter={filter}
        go={go}
        busy={navigating}
        tenantChoices={tenantChoices}
        orgNames={orgNames}
      />
      <KeyListFooter filter={filter} total={total} pages={pages} go={go} />
      {creating > 0 && <CreateKeyDialog key={creating} tenantChoices={tenantChoices} onClose={closeCreate} />}
    </div>
  );
}
