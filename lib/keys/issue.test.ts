import { describe, expect, it } from 'vitest';
import { hashKey, parseKey } from './format';
import { issueSecret } from './issue';

describe('issueSecret', () => {
  it('returns a well-formed secret of the kind and stores only its hash, prefix and last four', () => {
    for (const kind of ['integration', 'personal'] as const) {
      const { secret, columns } = issueSecret(kind);
      expect(parseKey(secret)?.kind).toBe(kind);
      expect(columns).toEqual({
        keyHash: hashKey(secret),
        prefix: kind === 'integration' ? 'sk_live_' : 'pat_live_',
        lastFour: secret.slice(-4),
      });
      expect(Object.values(columns)).not.toContain(secret);
    }
  });

  it('stamps a regeneration with its time', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    const { secret, columns } = issueSecret('integration', at);
    expect(columns).toEqual({
      keyHash: hashKey(secret),
      prefix: 'sk_live_',
      lastFour: secret.slice(-4),
      regeneratedAt: at,
      updatedAt: at,
    });
  });

  it('never issues the same secret twice', () => {
    const secrets = new Set(Array.from({ length: 500 }, () => issueSecret('personal').secret));
    expect(secrets.size).toBe(500);
  });
});
