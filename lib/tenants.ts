import { AppError } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

/** Who may reach which tenants: a key's or a user's allowed tenants. */
export type TenantScope = { allTenants: boolean; tenantIds: readonly string[] };

/**
 * The tenant a request acts on. It is named by X-Tenant-Id; a scope with exactly one tenant may
 * omit it. "All tenants" scopes must always name one, so no request touches a tenant by accident.
 */
export function resolveTenant(scope: TenantScope, requested: string | null | undefined): string {
  const named = requested?.trim();
  if (!named) {
    if (!scope.allTenants && scope.tenantIds.length === 1) return scope.tenantIds[0];
    throw new AppError('tenant_required');
  }
  if (!isUuid(named)) throw new AppError('bad_request', 'X-Tenant-Id must be an organisation id (UUID).');
  if (!canReachTenant(scope, named)) throw new AppError('tenant_forbidden');
  return named.toLowerCase();
}

export function canReachTenant(scope: TenantScope, tenantId: string): boolean {
  return scope.allTenants || scope.tenantIds.some((t) => t.toLowerCase() === tenantId.toLowerCase());
}
