import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys, users } from '@/db/schema';
import { API_KEY_SORTS, createApiKeySchema, listApiKeysSchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { createApiKey, listApiKeys } from './api-keys';

/** Keyset paging of the key list (?cursor=): the same rows, in the same order, as paging by offset. */
type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
const tag = `paging-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  w = await createWorld();
  // Seven keys with ties and nulls in every sort column: equal creation times, equal and missing
  // expiry and last-use dates, and two creators (one with the same name in another case).
  const [other] = await db
    .insert(users)
    .values({
      organisationId: w.orgA.id,
      email: `${tag}@test.example`,
      name: 'ADMIN-A',
      role: 'admin',
      passwordHash: 'x',
    })
    .returning();
  const day = (n: number) => new Date(Date.UTC(2030, 0, n));
  const rows = [
    { expiresAt: null, lastUsedAt: null, creator: w.adminA.user.id },
    { expiresAt: day(1), lastUsedAt: day(1), creator: other.id },
    { expiresAt: day(1), lastUsedAt: null, creator: w.adminA.user.id },
    { expiresAt: null, lastUsedAt: day(2), creator: other.id },
    { expiresAt: day(3), lastUsedAt: day(2), creator: w.adminA.user.id },
    { expiresAt: day(3), lastUsedAt: day(1), creator: null },
    { expiresAt: day(2), lastUsedAt: null, creator: other.id },
  ];
  const at = new Date();
  for (const [i, r] of rows.entries()) {
    const { key } = await createApiKey(
      w.adminA.actor,
      createApiKeySchema.parse({
        name: `${tag} ${String.fromCharCode(97 + ((i * 3) % 7))}`,
        permissions: ['customers:read'],
        tenants: [w.orgA.id],
      }),
    );
    await db
      .update(apiKeys)
      .set({
        expiresAt: r.expiresAt,
        lastUsedAt: r.lastUsedAt,
        createdByUserId: r.creator,
        createdAt: i < 4 ? at : new Date(at.getTime() + 1),
      })
      .where(eq(apiKeys.id, key.id));
  }
  // Microsecond timestamps, which a JavaScript Date cannot hold: the cursor must not lose them.
  await db.execute(
    sql`update api_keys set created_at = created_at + interval '3 microseconds' where name like ${`${tag} %`}`,
  );
});

const ids = (r: { keys: { id: string }[] }) => r.keys.map((k) => k.id);

describe('the key list by cursor', () => {
  it.each(API_KEY_SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((order) => [sort, order] as const)))(
    'walks every key once, in order (sort %s %s)',
    async (sort, order) => {
      const all = await listApiKeys(
        w.adminA.actor,
        listApiKeysSchema.parse({ q: tag, sort, order, limit: 100 }),
      );
      expect(all.keys).toHaveLength(7);
      expect(all.nextCursor).toBeNull();
      const walked: string[] = [];
      let cursor: string | undefined;
      for (let page = 1; page <= 4; page++) {
        const result = await listApiKeys(
          w.adminA.actor,
          listApiKeysSchema.parse({ q: tag, sort, order, limit: 2, cursor }),
        );
        expect(result.page).toBe(page);
        expect(result.total).toBe(7);
        walked.push(...ids(result));
        if (page < 4) expect(result.nextCursor).toEqual(expect.any(String));
        else expect(result.nextCursor).toBeNull();
        cursor = result.nextCursor ?? undefined;
      }
      expect(walked).toEqual(ids(all));
    },
  );

  it('refuses a cursor of another list, or one it did not issue, naming the field', async () => {
    const first = await listApiKeys(w.adminA.actor, listApiKeysSchema.parse({ q: tag, limit: 2 }));
    const other = listApiKeysSchema.safeParse({ q: tag, sort: 'name', limit: 2, cursor: first.nextCursor });
    expect(other.success).toBe(false);
    expect(other.error?.issues[0].path).toEqual(['cursor']);
    const forged = listApiKeysSchema.safeParse({ cursor: 'bm90IGEgY3Vyc29y' });
    expect(forged.error?.issues[0].path).toEqual(['cursor']);
  });
});
