import { withKey } from '@/lib/api/with-key';
import { AppError } from '@/lib/errors';
import { meResponseSchema } from '@/lib/validation/me';

// GET /crm/me — the calling key's identity; any valid key may call it
export const GET = withKey(async (_request, { key }) => {
  if (!key) throw new AppError('unauthenticated', 'Send an API key to see its identity.');
  return Response.json(
    meResponseSchema.parse({
      id: key.id,
      visible_id: key.visibleId,
      name: key.name,
      kind: key.kind,
      organisation_id: key.organisationId,
      permissions: key.permissions,
      tenants: key.allTenants ? 'all' : key.tenantIds,
      expiry_date: key.expiresAt?.toISOString() ?? null,
    }),
  );
});
