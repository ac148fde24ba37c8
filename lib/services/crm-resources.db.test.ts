import { beforeAll, describe, expect, it } from 'vitest';
import { createWorld } from '@/test/fixtures';
import { createContactSchema, updateContactSchema } from '@/lib/validation/contacts';
import { createIntegrationSchema } from '@/lib/validation/integrations';
import { createInventoryItemSchema } from '@/lib/validation/inventory';
import { createArticleSchema } from '@/lib/validation/knowledge-base';
import { createProvisioningRequestSchema } from '@/lib/validation/provisioning';
import { listQuerySchema } from '@/lib/validation/crm';
import type { Actor } from '@/lib/actor';
import { getAnalyticsSummary } from './analytics';
import {
  contactResource,
  customerResource,
  integrationResource,
  inventoryResource,
  knowledgeBaseResource,
  leadResource,
  provisioningResource,
  serviceResource,
} from './crm-resources';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
let actor: Actor;

beforeAll(async () => {
  w = await createWorld();
  actor = w.adminA.actor;
});

describe('CRM resources on a real database', () => {
  it('creates, reads, updates and deletes within one tenant, in snake_case', async () => {
    const created = await customerResource.create(actor, w.orgA.id, { name: 'Initech', status: 'prospect' });
    expect(created).toMatchObject({
      name: 'Initech',
      status: 'prospect',
      organisation_id: w.orgA.id,
      notes: '',
    });
    expect(created.created_at).toMatch(/Z$/);
    expect(await customerResource.get(w.orgA.id, created.id as string)).toEqual(created);
    const updated = await customerResource.update(actor, w.orgA.id, created.id as string, {
      status: 'active',
    });
    expect(updated).toMatchObject({ name: 'Initech', status: 'active' });
    await customerResource.remove(actor, w.orgA.id, created.id as string);
    await expect(customerResource.get(w.orgA.id, created.id as string)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it("treats another tenant's record as not found for every operation", async () => {
    const theirs = await leadResource.create(actor, w.orgB.id, { name: 'Theirs' });
    const id = theirs.id as string;
    await expect(leadResource.get(w.orgA.id, id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(leadResource.update(actor, w.orgA.id, id, { name: 'Mine' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(leadResource.remove(actor, w.orgA.id, id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await leadResource.get(w.orgB.id, id)).toMatchObject({ name: 'Theirs' });
    const page = await leadResource.list(w.orgA.id, listQuerySchema.parse({}));
    expect(page.data.some((r) => r.id === id)).toBe(false);
    await expect(leadResource.get(w.orgA.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses references into another tenant, on create and on update, and changes nothing', async () => {
    const theirCustomer = await customerResource.create(actor, w.orgB.id, { name: 'Globex customer' });
    const ourCustomer = await customerResource.create(actor, w.orgA.id, { name: 'Acme customer' });
    await expect(
      contactResource.create(
        actor,
        w.orgA.id,
        createContactSchema.parse({ first_name: 'Eve', customer_id: theirCustomer.id }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: { customer_id: expect.any(Array) } });
    const contact = await contactResource.create(
      actor,
      w.orgA.id,
      createContactSchema.parse({ first_name: 'Bob', customer_id: ourCustomer.id }),
    );
    await expect(
      contactResource.update(
        actor,
        w.orgA.id,
        contact.id as string,
        updateContactSchema.parse({ first_name: 'Mallory', customer_id: theirCustomer.id }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await contactResource.get(w.orgA.id, contact.id as string)).toMatchObject({
      first_name: 'Bob',
      customer_id: ourCustomer.id,
    });
  });

  it('pages in newest-first order with totals', async () => {
    for (let i = 0; i < 5; i++) await leadResource.create(actor, w.orgA.id, { name: `Paged ${i}` });
    const first = await leadResource.list(w.orgA.id, listQuerySchema.parse({ limit: '2' }));
    const second = await leadResource.list(w.orgA.id, listQuerySchema.parse({ limit: '2', page: '2' }));
    expect(first.total).toBe(second.total);
    expect(first.data).toHaveLength(2);
    expect(first.pages).toBe(Math.ceil(first.total / 2));
    const ids = [...first.data, ...second.data].map((r) => r.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('reports a duplicate SKU as a conflict on the sku field', async () => {
    const item = createInventoryItemSchema.parse({ sku: 'RTR-1', name: 'Router' });
    await inventoryResource.create(actor, w.orgA.id, item);
    await expect(inventoryResource.create(actor, w.orgA.id, item)).rejects.toMatchObject({
      code: 'conflict',
      fields: { sku: expect.any(Array) },
    });
    // The same SKU in another tenant is fine.
    await expect(inventoryResource.create(actor, w.orgB.id, item)).resolves.toMatchObject({ sku: 'RTR-1' });
  });

  it('counts one tenant in the analytics summary', async () => {
    const before = await getAnalyticsSummary(w.orgB.id);
    await leadResource.create(actor, w.orgB.id, { name: 'Counted', status: 'won' });
    const after = await getAnalyticsSummary(w.orgB.id);
    expect(after.leads.total).toBe(before.leads.total + 1);
    expect(after.leads.by_status.won).toBe((before.leads.by_status.won ?? 0) + 1);
    expect(after.organisation_id).toBe(w.orgB.id);
  });

  it("checks a provisioning request's service and customer in the tenant before writing", async () => {
    const theirService = await serviceResource.create(actor, w.orgB.id, { name: 'Their line' });
    const ourService = await serviceResource.create(actor, w.orgA.id, { name: 'Our line' });
    const before = (await provisioningResource.list(w.orgA.id, listQuerySchema.parse({}))).total;
    await expect(
      provisioningResource.create(
        actor,
        w.orgA.id,
        createProvisioningRequestSchema.parse({ service_id: theirService.id, action: 'activate' }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: { service_id: expect.any(Array) } });
    const missingCustomer = '00000000-0000-4000-8000-000000000000';
    await expect(
      provisioningResource.create(actor, w.orgA.id, {
        service_id: ourService.id,
        customer_id: missingCustomer,
        action: 'suspend',
      }),
    ).rejects.toMatchObject({ fields: { customer_id: expect.any(Array) } });
    expect((await provisioningResource.list(w.orgA.id, listQuerySchema.parse({}))).total).toBe(before);
    const request = await provisioningResource.create(actor, w.orgA.id, {
      service_id: ourService.id,
      action: 'activate',
    });
    expect(request).toMatchObject({ service_id: ourService.id, customer_id: null, state: 'pending' });
    // The service goes; the request stays, as history.
    await serviceResource.remove(actor, w.orgA.id, ourService.id as string);
    expect(await provisioningResource.get(w.orgA.id, request.id as string)).toMatchObject({
      service_id: null,
    });
  });

  it("stores articles' tags and integrations' plain settings as given", async () => {
    const article = await knowledgeBaseResource.create(
      actor,
      w.orgA.id,
      createArticleSchema.parse({ title: 'Reset a router', tags: ['router', 'router', 'wifi'] }),
    );
    expect(article).toMatchObject({ tags: ['router', 'wifi'], published: false, body: '' });
    const integration = await integrationResource.create(
      actor,
      w.orgA.id,
      createIntegrationSchema.parse({
        name: 'Billing',
        kind: 'billing',
        settings: { region: 'eu', retries: 3 },
      }),
    );
    expect(integration).toMatchObject({ settings: { region: 'eu', retries: 3 }, enabled: true });
    await expect(knowledgeBaseResource.get(w.orgB.id, article.id as string)).rejects.toMatchObject({
      code: 'not_found',
      message: 'No knowledge base article with this id.',
    });
  });
});
