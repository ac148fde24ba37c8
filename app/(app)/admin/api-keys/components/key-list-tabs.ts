import type { ApiKeyStatusFilter } from '@/lib/validation/api-keys';

/** The list's tabs, each with the status filters that make sense inside it. */
export const TABS: {
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

export function tabOf(status: ApiKeyStatusFilter) {
  if (status === 'all') return TABS[2];
  return TABS.find((t) => t.options.some((o) => o.value === status)) ?? TABS[0];
}
