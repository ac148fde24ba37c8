import { z } from 'zod';
import { KEY_LIFETIME_CHOICES } from '@/lib/keys/policy';

/** PUT /crm/api-keys/policy and the security page's form: the organisation's key policy. */
export const keyPolicySchema = z
  .strictObject({
    keys_must_expire: z.boolean({ error: 'Say whether keys must expire (true or false).' }),
    max_lifetime_days: z
      .union(
        [
          z.literal(KEY_LIFETIME_CHOICES[0]),
          z.literal(KEY_LIFETIME_CHOICES[1]),
          z.literal(KEY_LIFETIME_CHOICES[2]),
          z.null(),
        ],
        {
          error: `Choose ${KEY_LIFETIME_CHOICES.join(', ')} days, or null for no maximum.`,
        },
      )
      .optional(),
  })
  .refine((v) => v.keys_must_expire || !v.max_lifetime_days, {
    path: ['max_lifetime_days'],
    message: 'A maximum lifetime needs "keys must expire".',
  });
export type KeyPolicyInput = z.output<typeof keyPolicySchema>;

export const keyPolicyResponseSchema = z.object({
  organisation_id: z.uuid(),
  keys_must_expire: z.boolean(),
  max_lifetime_days: z.number().int().nullable(),
});

export function keyPolicyOutput(settings: {
  id: string;
  keyPolicy: { keysMustExpire: boolean; maxLifetimeDays: number | null };
}) {
  return keyPolicyResponseSchema.parse({
    organisation_id: settings.id,
    keys_must_expire: settings.keyPolicy.keysMustExpire,
    max_lifetime_days: settings.keyPolicy.maxLifetimeDays,
  });
}
