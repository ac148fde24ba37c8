import { z } from 'zod';
import { apiKeyKinds } from '@/db/schema/api-keys';
import { ALL_PERMISSIONS } from '@/lib/permissions';

/** GET /crm/me: the calling key as the API shows it (never its hash or secret). */
export const meResponseSchema = z.object({
  id: z.uuid(),
  visible_id: z.string().meta({ description: 'The masked key, e.g. sk_live_…XyZ9.' }),
  name: z.string(),
  kind: z.enum(apiKeyKinds).meta({ description: 'integration (sk_live_) or personal (pat_live_).' }),
  organisation_id: z.uuid().meta({ description: 'The organisation that owns the key.' }),
  permissions: z.array(z.enum(ALL_PERMISSIONS)),
  tenants: z
    .union([z.literal('all'), z.array(z.uuid())])
    .meta({ description: 'The organisations (tenants) the key may reach: "all" or their ids.' }),
  expiry_date: z.iso.datetime().nullable().meta({ description: 'When the key stops working; null: never.' }),
});
export type MeResponse = z.infer<typeof meResponseSchema>;
