import 'server-only';
import { LRUCache } from 'lru-cache';
import { organisationExists } from '@/db/queries/organisations';
import { AppError } from '@/lib/errors';
import { processSingleton } from '@/lib/process-singleton';

/**
 * A tenant named by X-Tenant-Id must exist before any query acts on it: an all-tenants key naming an
 * organisation that does not exist gets 404, never a foreign-key error. Known organisations are
 * remembered a minute (only positive answers), so the check costs the hot path a map lookup.
 */
const KNOWN_TTL_MS = 60_000;
function known(): LRUCache<string, true> {
  return processSingleton(
    'known-tenants',
    () => new LRUCache<string, true>({ max: 10_000, ttl: KNOWN_TTL_MS }),
  );
}

export async function requireExistingTenant(tenantId: string): Promise<void> {
  const cache = known();
  if (cache.get(tenantId)) return;
  if (!(await organisationExists({ id: tenantId }))) {
    throw new AppError('not_found', 'No organisation with the id in X-Tenant-Id.');
  }
  cache.set(tenantId, true);
}
