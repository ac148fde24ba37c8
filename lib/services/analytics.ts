import 'server-only';
import { and, count, eq, gte, sql } from 'drizzle-orm';
import { db } from '@/db';
import { calls, contacts, customers, inventoryItems, leads, services } from '@/db/schema';
import { analyticsSummarySchema, type AnalyticsSummary } from '@/lib/validation/analytics';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Read-only counts over one tenant's records, in parallel queries on the tenant indexes. */
export async function getAnalyticsSummary(tenantId: string): Promise<AnalyticsSummary> {
  const monthAgo = new Date(Date.now() - 30 * DAY_MS);
  const [customerRow, contactRow, leadRows, callRow, serviceRow, inventoryRow] = await Promise.all([
    db
      .select({
        total: count(),
        active: sql<number>`count(*) filter (where ${customers.status} = 'active')::int`,
      })
      .from(customers)
      .where(eq(customers.organisationId, tenantId)),
    db.select({ total: count() }).from(contacts).where(eq(contacts.organisationId, tenantId)),
    db
      .select({ status: leads.status, total: count() })
      .from(leads)
      .where(eq(leads.organisationId, tenantId))
      .groupBy(leads.status),
    db
      .select({
        total: count(),
        recent: sql<number>`count(*) filter (where ${calls.occurredAt} >= ${monthAgo.toISOString()})::int`,
      })
      .from(calls)
      .where(eq(calls.organisationId, tenantId)),
    db
      .select({
        total: count(),
        active: sql<number>`count(*) filter (where ${services.status} = 'active')::int`,
      })
      .from(services)
      .where(eq(services.organisationId, tenantId)),
    db
      .select({
        items: count(),
        // bigint: the sum of many quantities overflows a 32-bit int (found by the OpenAPI fuzz tests).
        quantity: sql<number>`coalesce(sum(${inventoryItems.quantity}), 0)::bigint`,
      })
      .from(inventoryItems)
      .where(and(eq(inventoryItems.organisationId, tenantId), gte(inventoryItems.quantity, 0))),
  ]);
  const byStatus: Record<string, number> = {};
  for (const r of leadRows) byStatus[r.status] = Number(r.total);
  return analyticsSummarySchema.parse({
    organisation_id: tenantId,
    customers: { total: Number(customerRow[0].total), active: Number(customerRow[0].active) },
    contacts: { total: Number(contactRow[0].total) },
    leads: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), by_status: byStatus },
    calls: { total: Number(callRow[0].total), last_30_days: Number(callRow[0].recent) },
    services: { total: Number(serviceRow[0].total), active: Number(serviceRow[0].active) },
    inventory: { items: Number(inventoryRow[0].items), quantity: Number(inventoryRow[0].quantity) },
  });
}
