import { withKey } from '@/lib/api/with-key';
import { AppError } from '@/lib/errors';
import type { MeResponse } from '@/lib/validation/me';

export const dynamic = 'force-dynamic';

// GET /crm/me — the calling key's identity; any valid key may call it
export const GET = withKey(async (_request, { key }) => {
  if (!key) throw new AppError('unauthenticated', 'Send an API key to see its identity.');
  // Built field by field from the verified key (nothing else can leak) and typed by the schema the
  // OpenAPI document shows: a run-time parse here cost a third of the key check's budget.
  const body: MeResponse = {
    id: key.id,
    visible_id: key.visibleId,
    name: key.name,
    kind: key.kind,
    organisation_id: key.organisationId,
    permissions: key.permissions,
    tenants: key.allTenants ? 'all' : key.tenantIds,
    expiry_date: key.expiresAt?.toISOString() ?? null,
  };
  return Response.json(body);
});
