import { Badge, type BadgeTone } from '@/components/ui/badge';
import type { ApiKeyDisplayStatus } from '@/lib/keys/lifecycle';

export const STATUS_LABELS: Record<ApiKeyDisplayStatus, string> = {
  active: 'Active',
  expiring_soon: 'Expiring soon',
  expired: 'Expired',
  disabled: 'Disabled',
  revoked: 'Revoked',
};

const TONES: Record<ApiKeyDisplayStatus, BadgeTone> = {
  active: 'green',
  expiring_soon: 'orange',
  expired: 'red',
  disabled: 'grey',
  revoked: 'dark',
};

export function StatusBadge({ status }: { status: ApiKeyDisplayStatus }) {
  return <Badge tone={TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}
