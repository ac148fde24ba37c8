import { describe, expect, it } from 'vitest';
import { fieldErrorsFromZod } from '@/lib/errors';
import { createIntegrationSchema, looksLikeSecretName, updateIntegrationSchema } from './integrations';

describe('integration settings', () => {
  it('refuse names that look like secrets, naming each one', () => {
    for (const name of [
      'password',
      'apiKey',
      'API-KEY',
      'client_secret',
      'accessToken',
      'private_key',
      'auth',
    ]) {
      expect(looksLikeSecretName(name), name).toBe(true);
    }
    for (const name of ['region', 'author', 'sync_interval_minutes', 'account_id', 'base_url']) {
      expect(looksLikeSecretName(name), name).toBe(false);
    }
    const parsed = updateIntegrationSchema.safeParse({
      settings: { region: 'eu', password: 'hunter2', clientSecret: 'x' },
    });
    expect(parsed.success).toBe(false);
    expect(Object.keys(fieldErrorsFromZod(parsed.error!.issues)).sort()).toEqual([
      'settings.clientSecret',
      'settings.password',
    ]);
  });

  it('refuse values in the shape of a secret, and nested objects', () => {
    expect(
      createIntegrationSchema.safeParse({ name: 'X', kind: 'other', settings: { note: 'sk_live_abc' } })
        .success,
    ).toBe(false);
    expect(
      createIntegrationSchema.safeParse({ name: 'X', kind: 'other', settings: { nested: { a: 1 } } }).success,
    ).toBe(false);
    expect(
      createIntegrationSchema.safeParse({ name: 'X', kind: 'other', settings: { region: 'eu', port: 5060 } })
        .success,
    ).toBe(true);
  });
});
