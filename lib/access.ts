import 'server-only';
import { AppError } from '@/lib/errors';
import { hasPermission, type Permission } from '@/lib/permissions';
import type { OrganisationScope } from '@/db/queries/api-keys';
import type { Actor } from '@/lib/actor';
import { addressAllowed } from '@/lib/keys/allowed-ips';

/** Whether the actor may manage (write) or see (read) integration keys at all. */
export function assertCanManageKeys(actor: Actor, access: 'read' | 'write'): void {
  if (actor.type === 'system') return;
  if (actor.type === 'user') {
    if (actor.role === 'admin' || actor.role === 'superadmin') return;
    throw new AppError('forbidden', 'Only admins can manage API keys.');
  }
  const needed: Permission = `api_keys:${access}`;
  if (!hasPermission(actor.permissions, needed)) {
    throw new AppError('permission_denied', `This key needs the ${needed} permission.`);
  }
}

/** The organisations whose keys the actor may see: superadmins all, everyone else their own. */
export function organisationScope(actor: Actor): OrganisationScope {
  if (actor.type === 'system') return { all: true };
  if (actor.type === 'user' && actor.role === 'superadmin') return { all: true };
  return { all: false, organisationIds: [actor.organisationId] };
}

export function isSuperadmin(actor: Actor): boolean {
  return actor.type === 'system' || (actor.type === 'user' && actor.role === 'superadmin');
}

/** The audit log: admins read their organisation's, superadmins everyone's; users and keys none. */
export function assertCanReadAudit(actor: Actor): void {
  if (actor.type === 'system') return;
  if (actor.type === 'user' && (actor.role === 'admin' || actor.role === 'superadmin')) return;
  throw new AppError('forbidden', 'Only admins can read the audit log.');
}

/**
 * A key with an IP allowlist works only from those addresses (the client address of
 * lib/api/client-address.ts: the socket's, or behind TRUSTED_PROXIES the forwarded one). No allowlist:
 * anywhere. An unknown address never passes an allowlist.
 */
export function assertKeyMayBeUsedFrom(
  key: { allowedIps: readonly string[] | null },
  address: string | null,
): void {
  if (!key.allowedIps || key.allowedIps.length === 0) return;
  if (!addressAllowed(key.allowedIps, address)) {
    throw new AppError(
      'ip_not_allowed',
      `This API key may not be used from ${address ?? 'an unknown address'}.`,
    );
  }
}
