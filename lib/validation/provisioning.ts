import { z } from 'zod';
import { provisioningActions, provisioningStates } from '@/db/schema/provisioning-requests';
import { pageSchema, recordShape, referenceField, updateSchemaFrom } from './crm';

export const createProvisioningRequestSchema = z.strictObject({
  /** Must be a service of the same organisation (checked before writing: 422 naming service_id). */
  service_id: z.uuid({ error: 'service_id must be an id.' }),
  customer_id: referenceField('customer_id').optional(),
  action: z.enum(provisioningActions, { error: `Action is one of: ${provisioningActions.join(', ')}.` }),
  state: z
    .enum(provisioningStates, { error: `State is one of: ${provisioningStates.join(', ')}.` })
    .optional(),
});
export const updateProvisioningRequestSchema = updateSchemaFrom(createProvisioningRequestSchema);

export const provisioningRequestSchema = z.object({
  ...recordShape,
  /** null once the service has been deleted: the request stays as history. */
  service_id: z.uuid().nullable(),
  customer_id: z.uuid().nullable(),
  action: z.enum(provisioningActions),
  state: z.enum(provisioningStates),
});
export const provisioningRequestListSchema = pageSchema(provisioningRequestSchema);
