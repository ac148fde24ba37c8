import { describe, expect, it } from 'vitest';
import { createWorld } from '@/test/fixtures';
import { getAnalyticsSummary } from './analytics';
import { inventoryResource } from './crm-resources';

describe('analytics summary', () => {
  it('sums inventory quantities past 2^31 (the OpenAPI fuzz tests found a 500 there)', async () => {
    const w = await createWorld();
    for (let i = 0; i < 3; i++) {
      await inventoryResource.create(w.adminA.actor, w.orgA.id, {
        sku: `BIG-${i}`,
        name: 'Big',
        quantity: 1_000_000_000,
      });
    }
    const summary = await getAnalyticsSummary(w.orgA.id);
    expect(summary.inventory).toEqual({ items: 3, quantity: 3_000_000_000 });
  });
});
