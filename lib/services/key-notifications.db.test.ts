import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys } from '@/db/schema';
import { createApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { createApiKey, regenerateApiKey } from './api-keys';
import { listKeyNotifications } from './key-notifications';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
beforeAll(async () => {
  w = await createWorld();
});

const DAY = 86400_000;
const newKey = (expiry?: string) =>
  createApiKey(
    w.adminA.actor,
    createApiKeySchema.parse({
      name: `Bell ${Math.random()}`,
      permissions: ['customers:read'],
      tenants: [w.orgA.id],
      expiry_date: expiry,
    }),
  );

it('the bell lists expiring, unused, leaked keys and rotations whose old secret is still in use', async () => {
  const expiring = await newKey(new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10));
  const later = await newKey(new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10));
  const unused = await newKey();
  await db
    .update(apiKeys)
    .set({ createdAt: new Date(Date.now() - 40 * DAY) })
    .where(eq(apiKeys.id, unused.key.id));
  const leaked = await newKey();
  await db
    .update(apiKeys)
    .set({ leakedAt: new Date(), status: 'revoked' })
    .where(eq(apiKeys.id, leaked.key.id));
  const rotating = await newKey();
  await regenerateApiKey(w.adminA.actor, rotating.key.id, { grace_period_seconds: 1800 });
  await db.update(apiKeys).set({ previousKeyLastUsedAt: new Date() }).where(eq(apiKeys.id, rotating.key.id));

  const notes = await listKeyNotifications(w.adminA.actor);
  const kinds = (id: string) => notes.filter((n) => n.keyId === id).map((n) => n.kind);
  expect(kinds(expiring.key.id)).toEqual(['expiring']);
  expect(kinds(later.key.id)).toEqual([]);
  expect(kinds(unused.key.id)).toEqual(['unused']);
  expect(kinds(leaked.key.id)).toEqual(['leaked']);
  expect(kinds(rotating.key.id)).toEqual(['rotation_in_use']);
  // Another organisation's admin sees none of them.
  expect(await listKeyNotifications(w.adminB.actor)).toEqual([]);
});
