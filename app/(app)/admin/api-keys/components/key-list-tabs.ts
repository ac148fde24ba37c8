import { UNUSED_AFTER_DAYS } from '@/lib/keys/lifecycle';
import type { ApiKeyStatusFilter } from '@/lib/validation/api-keys';

type Group = 'current' | 'ended';

/** Every status filter, in the order the menus show it, with the tab (group) it belongs to. */
const STATUS_OPTIONS: { value: ApiKeyStatusFilter; label: string; group: Group }[] = [
  { value: 'active', label: 'Active', group: 'current' },
  { value: 'expiring_soon', label: 'Expiring soon', group: 'current' },
  { value: 'expired', label: 'Expired', group: 'ended' },
  { value: 'disabled', label: 'Disabled', group: 'current' },
  { value: 'revoked', label: 'Revoked', group: 'ended' },
  { value: 'unused', label: `Unused for ${UNUSED_AFTER_DAYS}+ days`, group: 'current' },
];

export type KeyListTab = {
  label: string;
  status: ApiKeyStatusFilter;
  options: { value: ApiKeyStatusFilter; label: string }[];
};

/** A tab: "All" of its group first, then the group's statuses ("All keys": every status). */
function tab(label: string, status: Group | 'all'): KeyListTab {
  return {
    label,
    status,
    options: [
      { value: status, label: 'All' },
      ...STATUS_OPTIONS.filter((o) => status === 'all' || o.group === status).map(({ value, label }) => ({
        value,
        label,
      })),
    ],
  };
}

/** The list's tabs, each with the status filters that make sense inside it. */
export const TABS: KeyListTab[] = [
  tab('Keys', 'current'),
  tab('Revoked / Expired', 'ended'),
  tab('All keys', 'all'),
];

export function tabOf(status: ApiKeyStatusFilter) {
  if (status === 'all') return TABS[2];
  return TABS.find((t) => t.options.some((o) => o.value === status)) ?? TABS[0];
}
