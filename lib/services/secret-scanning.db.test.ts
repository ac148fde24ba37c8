import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { auditEvents } from '@/db/schema';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { generateKey } from '@/lib/keys/format';
import { verifyKey } from '@/lib/keys/verify';
import { createApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { createApiKey, getApiKey, regenerateApiKey } from './api-keys';
import { processLeakReport } from './secret-scanning';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
const lookup = (keyHash: string) => findKeyByHash({ keyHash });

beforeAll(async () => {
  w = await createWorld();
});

const newKey = () =>
  createApiKey(
    w.adminA.actor,
    createApiKeySchema.parse({
      name: `Leaky ${Math.random()}`,
      permissions: ['customers:read'],
      tenants: [w.orgA.id],
    }),
  );

describe('leaked-key reports', () => {
  it('revokes our token at once, audits where it leaked, and labels the others false positives', async () => {
    const { key, secret } = await newKey();
    const unknown = generateKey('integration');
    const replies = await processLeakReport([
      { token: secret, type: 'crm_api_key', url: 'https://example.com/leak.env', source: 'content' },
      { token: unknown, type: 'crm_api_key', url: null, source: 'content' },
      { token: 'sk_live_garbage', type: 'crm_api_key' },
    ]);
    expect(replies.map((r) => r.label)).toEqual(['true_positive', 'false_positive', 'false_positive']);
    expect(replies[0].token_raw).toBe(secret);
    expect(await verifyKey(secret, lookup)).toMatchObject({ ok: false, code: 'key_revoked' });
    const view = await getApiKey(w.adminA.actor, key.id);
    expect(view.leak).toMatchObject({ url: 'https://example.com/leak.env' });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, key.id), eq(auditEvents.action, 'key.leaked')));
    expect(events).toHaveLength(1);
    expect(events[0].changes).toMatchObject({ leaked_url: { after: 'https://example.com/leak.env' } });
    // A scanner resending the same report changes nothing more.
    await processLeakReport([{ token: secret, type: 'crm_api_key', url: 'https://example.com/leak.env' }]);
    expect(
      await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, key.id), eq(auditEvents.action, 'key.leaked'))),
    ).toHaveLength(1);
  });

  it('a leaked previous secret during an overlap revokes the key', async () => {
    const { key, secret: old } = await newKey();
    const { secret: fresh } = await regenerateApiKey(w.adminA.actor, key.id, { grace_period_seconds: 600 });
    const [reply] = await processLeakReport([{ token: old, type: 'crm_api_key', url: null }]);
    expect(reply.label).toBe('true_positive');
    expect((await verifyKey(fresh, lookup)).ok).toBe(false);
    expect((await verifyKey(old, lookup)).ok).toBe(false);
  });
});
