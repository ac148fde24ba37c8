import { describe, expect, it } from 'vitest';
import { retryDelayMs, webhookConfig } from './config';

describe('retry backoff', () => {
  const config = { retryBaseMs: 10_000, retryMaxMs: 6 * 3600_000 };

  it('doubles from the base, within ±20% jitter', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const nominal = 10_000 * 2 ** (attempt - 1);
      expect(retryDelayMs(attempt, config, () => 0)).toBe(Math.round(nominal * 0.8));
      expect(retryDelayMs(attempt, config, () => 1)).toBe(Math.round(nominal * 1.2));
      const d = retryDelayMs(attempt, config);
      expect(d).toBeGreaterThanOrEqual(nominal * 0.8);
      expect(d).toBeLessThanOrEqual(nominal * 1.2);
    }
  });

  it('stops growing at the cap, even for absurd attempt numbers', () => {
    expect(retryDelayMs(20, config, () => 0.5)).toBe(6 * 3600_000);
    expect(retryDelayMs(10_000, config, () => 0.5)).toBe(6 * 3600_000);
  });
});

describe('webhookConfig', () => {
  it('has safe defaults: private addresses refused, worker on', () => {
    const c = webhookConfig({});
    expect(c).toMatchObject({
      allowPrivate: false,
      workerEnabled: true,
      maxAttempts: 15,
      retryBaseMs: 10_000,
    });
  });

  it('reads the environment and refuses nonsense loudly', () => {
    expect(webhookConfig({ WEBHOOKS_ALLOW_PRIVATE: '1', WEBHOOKS_RETRY_BASE_MS: '200' })).toMatchObject({
      allowPrivate: true,
      retryBaseMs: 200,
    });
    expect(() => webhookConfig({ WEBHOOKS_ALLOW_PRIVATE: 'yes' })).toThrow(/WEBHOOKS_ALLOW_PRIVATE/);
    expect(() => webhookConfig({ WEBHOOKS_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOKS_MAX_ATTEMPTS/);
  });

  it('keeps a claimed delivery leased longer than an attempt can take', () => {
    expect(webhookConfig({})).toMatchObject({ timeoutMs: 10_000, leaseMs: 25_000, concurrency: 20 });
    expect(webhookConfig({ WEBHOOKS_TIMEOUT_MS: '3000', WEBHOOKS_LEASE_MS: '4000' }).leaseMs).toBe(4000);
    expect(webhookConfig({ WEBHOOKS_TIMEOUT_MS: '3000', WEBHOOKS_LEASE_MS: '1000' }).leaseMs).toBe(4000);
  });
});
