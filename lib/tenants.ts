import { canReachTenant, type TenantScope } from '@/lib/access';
import { AppError } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

/**
 * The tenant a request acts on (whether the scope reaches it is lib/access.ts canReachTenant). It is named by X-Tenant-Id; a scope with exactly one tenant may
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
