import 'server-only';
import { AppError } from '@/lib/errors';
import { hasPermission, type Permission } from '@/lib/permissions';
import type { OrganisationScope } from '@/db/queries/api-keys';
import type { Actor } from '@/lib/actor';

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
 * The tenants a new key reaches when its request names none: the organisation it is created in, for a
 * person (an organisation admin's own; a superadmin's own unless they chose another); the one tenant
 * of a calling one-tenant key. null: the calling key reaches several tenants (or all), so the request
 * must name them.
 */
export function defaultKeyTenants(actor: Actor, organisationId: string): string[] | null {
  if (actor.type !== 'key') return [organisationId];
  if (actor.allTenants || actor.tenantIds.length !== 1) return null;
  return [actor.tenantIds[0]];
}
