import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys, apiKeyTenants, users } from '@/db/schema';
import { createApiKeySchema, listApiKeysSchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { createApiKey, deleteApiKey, getApiKeySummary, listApiKeys, updateApiKey } from './api-keys';

/**
 * reach and creator_sort (drizzle/0015_*): derived by the database in the changing transaction, so the
 * admin's list (reach = 'own') and "sort by creator" (creator_sort) stay right whoever changes
 * tenants, owners or users' names, through the services or behind their back.
 */
type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
const tag = `derived-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  w = await createWorld();
});

async function derived(id: string) {
  const [row] = await db
    .select({ reach: apiKeys.reach, creatorSort: apiKeys.creatorSort })
    .from(apiKeys)
    .where(eq(apiKeys.id, id));
  return row;
}

async function newKey(name: string, tenants: 'all' | string[]) {
  const { key } = await createApiKey(
    w.superadmin.actor,
    createApiKeySchema.parse({
      name: `${tag} ${name}`,
      permissions: ['customers:read'],
      tenants,
      organisation_id: w.orgA.id,
    }),
  );
  return key.id;
}

describe('reach', () => {
  it('follows the allowed tenants through create and update, and the admin sees only "own" keys', async () => {
    const id = await newKey('moving', [w.orgA.id]);
    expect((await derived(id)).reach).toBe('own');
    const adminSees = async () =>
      (await listApiKeys(w.adminA.actor, listApiKeysSchema.parse({ q: `${tag} moving` }))).keys.map(
        (k) => k.id,
      );
    expect(await adminSees()).toEqual([id]);

    await updateApiKey(w.superadmin.actor, id, updateApiKeySchema.parse({ tenants: [w.orgA.id, w.orgB.id] }));
    expect((await derived(id)).reach).toBe('tenants');
    expect(await adminSees()).toEqual([]);

    await updateApiKey(w.superadmin.actor, id, updateApiKeySchema.parse({ tenants: 'all' }));
    expect((await derived(id)).reach).toBe('all');
    expect(await adminSees()).toEqual([]);

    await updateApiKey(w.superadmin.actor, id, updateApiKeySchema.parse({ tenants: [w.orgA.id] }));
    expect((await derived(id)).reach).toBe('own');
    expect(await adminSees()).toEqual([id]);
  });

  it('is recomputed when tenants or the owner change behind the services, and cannot be set by hand', async () => {
    const id = await newKey('raw', [w.orgA.id]);
    await db.insert(apiKeyTenants).values({ apiKeyId: id, organisationId: w.orgB.id });
    expect((await derived(id)).reach).toBe('tenants');
    const thisKey = eq(apiKeyTenants.apiKeyId, id);
    await db.delete(apiKeyTenants).where(and(thisKey, eq(apiKeyTenants.organisationId, w.orgA.id)));
    expect((await derived(id)).reach).toBe('tenants');
    await db.update(apiKeyTenants).set({ organisationId: w.orgA.id }).where(thisKey);
    expect((await derived(id)).reach).toBe('own');
    await db.update(apiKeys).set({ organisationId: w.orgB.id }).where(eq(apiKeys.id, id));
    expect((await derived(id)).reach).toBe('tenants');
    await db.update(apiKeys).set({ organisationId: w.orgA.id }).where(eq(apiKeys.id, id));
    await db.execute(sql`update api_keys set reach = 'all' where id = ${id}`);
    expect((await derived(id)).reach).toBe('own');
    await db.delete(apiKeyTenants).where(eq(apiKeyTenants.apiKeyId, id));
    expect((await derived(id)).reach).toBe('own');
    await db.update(apiKeys).set({ allTenants: true }).where(eq(apiKeys.id, id));
    expect((await derived(id)).reach).toBe('all');
  });

  it("counts the widgets from the same rule: a key leaving the admin's reach leaves their totals", async () => {
    const before = await getApiKeySummary(w.adminA.actor);
    const id = await newKey('counted', [w.orgA.id]);
    expect((await getApiKeySummary(w.adminA.actor)).total).toBe(before.total + 1);
    await updateApiKey(w.superadmin.actor, id, updateApiKeySchema.parse({ tenants: [w.orgB.id] }));
    expect((await getApiKeySummary(w.adminA.actor)).total).toBe(before.total);
    await deleteApiKey(w.superadmin.actor, id);
    expect((await getApiKeySummary(w.adminA.actor)).total).toBe(before.total);
  });
});

describe('creator_sort', () => {
  it("follows the creator's name, a changed creator and a removed one, and the creator sort with it", async () => {
    const [zed] = await db
      .insert(users)
      .values({
        organisationId: w.orgA.id,
        email: `${tag}-zed@test.example`,
        name: 'Zed',
        role: 'admin',
        passwordHash: 'x',
      })
      .returning();
    const first = await newKey('by-super', [w.orgA.id]);
    const second = await newKey('by-zed', [w.orgA.id]);
    await db.update(apiKeys).set({ createdByUserId: zed.id }).where(eq(apiKeys.id, second));
    expect(await derived(first)).toEqual({ reach: 'own', creatorSort: 'super' });
    expect((await derived(second)).creatorSort).toBe('zed');
    const byCreator = async () =>
      (
        await listApiKeys(
          w.superadmin.actor,
          listApiKeysSchema.parse({ q: `${tag} by-`, sort: 'created_by', order: 'asc' }),
        )
      ).keys.map((k) => k.id);
    expect(await byCreator()).toEqual([first, second]);

    await db.update(users).set({ name: 'Aaron' }).where(eq(users.id, zed.id));
    expect((await derived(second)).creatorSort).toBe('aaron');
    expect(await byCreator()).toEqual([second, first]);

    await db.delete(users).where(eq(users.id, zed.id));
    expect((await derived(second)).creatorSort).toBeNull();
    // No creator sorts first ascending, like a null in every other sort.
    expect(await byCreator()).toEqual([second, first]);
  });
});
