import { z } from 'zod';
import { integrationKinds } from '@/db/schema/integrations';
import { pageSchema, recordShape, requiredText, updateSchemaFrom } from './crm';

export const MAX_INTEGRATION_SETTINGS = 50;

/**
 * Setting names that say "secret". Settings are readable by every key holding integrations:read and
 * are sent in webhook events, so a credential stored here would leak: credentials belong in the
 * connected system's own vault, and the API refuses them rather than storing them in the clear.
 */
const SECRET_NAME =
  /(secret|passw(or)?d|passphrase|pwd|token|api_?key|apikey|private_?key|access_?key|signing_?key|credential|authori[sz]ation|bearer|(^|_)auth($|_)|(^|_)pin($|_))/;
/** Values in the well-known shapes of secrets: our own keys, bearer tokens, PEM keys. */
const SECRET_VALUE = /^(sk_live_|pat_live_|sk_test_|bearer\s|basic\s|-----BEGIN )/i;

/** "Client-Secret" → "client_secret": the shape the patterns above are written for. */
const normaliseName = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');

export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(normaliseName(name));
}

const settingValue = z.union(
  [z.string().max(500, 'Keep each setting under 500 characters.'), z.number(), z.boolean(), z.null()],
  { error: 'A setting is text, a number, true/false or null.' },
);

const settingsField = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'Setting names are letters, digits, _ . - (64 at most).'),
    settingValue,
    { error: 'Settings are an object of name → value.' },
  )
  .superRefine((settings, ctx) => {
    const names = Object.keys(settings);
    if (names.length > MAX_INTEGRATION_SETTINGS) {
      ctx.addIssue({ code: 'custom', message: `Use at most ${MAX_INTEGRATION_SETTINGS} settings.` });
    }
    for (const name of names) {
      const value = settings[name];
      if (looksLikeSecretName(name) || (typeof value === 'string' && SECRET_VALUE.test(value.trim()))) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message:
            'This looks like a secret. Settings are readable by every key with integrations:read: ' +
            "keep credentials in the connected system's own vault.",
        });
      }
    }
  })
  .meta({
    description:
      'Plain, non-secret settings (text, numbers, true/false). Names that look like secrets ' +
      '(password, token, api_key, secret, …) are refused.',
    examples: [{ region: 'eu-west', sync_interval_minutes: 15 }],
  });

export const createIntegrationSchema = z.strictObject({
  name: requiredText('Name'),
  kind: z.enum(integrationKinds, { error: `Kind is one of: ${integrationKinds.join(', ')}.` }),
  settings: settingsField.optional(),
  enabled: z.boolean({ error: 'Enabled is true or false.' }).optional(),
});
export const updateIntegrationSchema = updateSchemaFrom(createIntegrationSchema);

export const integrationSchema = z.object({
  ...recordShape,
  name: z.string(),
  kind: z.enum(integrationKinds),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  enabled: z.boolean(),
});
export const integrationListSchema = pageSchema(integrationSchema);
