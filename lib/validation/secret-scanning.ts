import { z } from 'zod';

export const MAX_REPORTED_TOKENS = 1000;

/** A secret-scanning report: the tokens a scanner found, with where and what kind. */
export const secretScanningReportSchema = z
  .array(
    z.object({
      token: z.string().max(1000).meta({ description: 'The secret as found.' }),
      type: z
        .string()
        .max(200)
        .meta({ description: 'The pattern name the scanner registered, e.g. crm_api_key.' }),
      url: z.string().max(2000).nullable().optional().meta({ description: 'Where it was found.' }),
      source: z.string().max(200).nullable().optional().meta({ description: 'e.g. content, commit, issue.' }),
    }),
  )
  .max(MAX_REPORTED_TOKENS);
export type SecretScanningReport = z.output<typeof secretScanningReportSchema>;

export const secretScanningResponseSchema = z.array(
  z.object({
    token_raw: z.string(),
    token_type: z.string(),
    label: z.enum(['true_positive', 'false_positive']),
  }),
);
