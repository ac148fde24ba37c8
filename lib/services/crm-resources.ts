import 'server-only';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { db, type Executor } from '@/db';
import {
  agents,
  calls,
  contacts,
  customers,
  integrations,
  inventoryItems,
  knowledgeBaseArticles,
  leads,
  provisioningRequests,
  services,
} from '@/db/schema';
import { constraintViolation, uniqueViolation } from '@/db/rows';
import { AppError, type FieldErrors } from '@/lib/errors';
import type { Resource } from '@/lib/permissions';
import { agentSchema, createAgentSchema, updateAgentSchema } from '@/lib/validation/agents';
import { callSchema, createCallSchema, updateCallSchema } from '@/lib/validation/calls';
import { contactSchema, createContactSchema, updateContactSchema } from '@/lib/validation/contacts';
import type { ListQuery } from '@/lib/validation/crm';
import { createCustomerSchema, customerSchema, updateCustomerSchema } from '@/lib/validation/customers';
import {
  createInventoryItemSchema,
  inventoryItemSchema,
  updateInventoryItemSchema,
} from '@/lib/validation/inventory';
import {
  createIntegrationSchema,
  integrationSchema,
  updateIntegrationSchema,
} from '@/lib/validation/integrations';
import { articleSchema, createArticleSchema, updateArticleSchema } from '@/lib/validation/knowledge-base';
import { createLeadSchema, leadSchema, updateLeadSchema } from '@/lib/validation/leads';
import {
  createProvisioningRequestSchema,
  provisioningRequestSchema,
  updateProvisioningRequestSchema,
} from '@/lib/validation/provisioning';
import { createServiceSchema, serviceSchema, updateServiceSchema } from '@/lib/validation/services';
import type { Actor } from '@/lib/actor';
import { emitEntityChange, type CrmWebhookEntity } from './entity-events';
import { isUuid } from '@/lib/ids';

/** The columns every CRM table has; the rest is described by its zod schemas. */
type CrmTable = PgTable & {
  id: AnyPgColumn;
  organisationId: AnyPgColumn;
  createdAt: AnyPgColumn;
  updatedAt: AnyPgColumn;
};

type Row = Record<string, unknown>;
export type CrmRecord = Record<string, unknown>;

export type CrmResourceDefinition = {
  /** The permission resource: customers:read / customers:write guard it. */
  resource: Resource;
  /** The webhook entity name, and the word used in messages ("No customer with this id."). */
  entity: CrmWebhookEntity;
  table: CrmTable;
  createSchema: z.ZodType<Record<string, unknown>>;
  updateSchema: z.ZodType<Record<string, unknown>>;
  outputSchema: z.ZodType<CrmRecord>;
  /** Fields holding ids of other records, which must belong to the same tenant. */
  references?: Record<string, CrmTable>;
  /** Unique constraints and the field each one is about. */
  unique?: Record<string, { field: string; message: string }>;
};

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A request body (snake_case) as column values; ISO date strings become Dates. */
function toColumns(input: Record<string, unknown>, dateFields: ReadonlySet<string>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    out[camel(k)] = dateFields.has(k) && typeof v === 'string' ? new Date(v) : v;
  }
  return out;
}

/** A row as the API shows it: snake_case, ISO dates, through the output schema (unknown fields dropped). */
function toRecord(def: CrmResourceDefinition, row: Row): CrmRecord {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[snake(k)] = v instanceof Date ? v.toISOString() : v;
  return def.outputSchema.parse(out);
}

/**
 * The five operations of one CRM resource, all scoped to one tenant. A record of another tenant is
 * "not found", never "forbidden": its existence is not revealed.
 */
export function defineCrmResource(def: CrmResourceDefinition) {
  const t = def.table;
  const dateFields = new Set(
    Object.keys((def.outputSchema as unknown as z.ZodObject).shape ?? {}).filter((k) => k.endsWith('_at')),
  );
  const notFound = () => new AppError('not_found', `No ${def.entity.replace(/_/g, ' ')} with this id.`);
  const inTenant = (tenantId: string, id?: string): SQL =>
    and(eq(t.organisationId, tenantId), id ? eq(t.id, id) : undefined)!;

  async function checkReferences(tx: Executor, tenantId: string, input: Row): Promise<void> {
    const fields: FieldErrors = {};
    for (const [field, table] of Object.entries(def.references ?? {})) {
      const id = input[field];
      if (typeof id !== 'string') continue;
      const [found] = await tx
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.organisationId, tenantId), eq(table.id, id)))
        .limit(1);
      if (!found) fields[field] = ['No record with this id in this tenant.'];
    }
    if (Object.keys(fields).length) {
      throw new AppError('validation_failed', `Invalid fields: ${Object.keys(fields).join(', ')}.`, fields);
    }
  }

  /** A constraint the checks above did not catch (a race): the field it is about, as a 4xx. */
  function rethrowUnique(error: unknown): never {
    const constraint = uniqueViolation(error);
    const known = constraint ? def.unique?.[constraint] : undefined;
    if (known) throw new AppError('conflict', known.message, { [known.field]: [known.message] });
    const violation = constraintViolation(error);
    if (violation?.sqlstate === '23503') {
      // e.g. calls_customer_id_customers_id_fk: the referenced record was deleted meanwhile.
      const field = Object.keys(def.references ?? {}).find((f) => violation.constraint.includes(`_${f}_`));
      if (field) {
        throw new AppError('validation_failed', `Invalid fields: ${field}.`, {
          [field]: ['No record with this id in this tenant.'],
        });
      }
    }
    throw error;
  }

  return {
    ...def,

    async list(tenantId: string, query: ListQuery) {
      const [rows, [{ total }]] = await Promise.all([
        db
          .select()
          .from(t as PgTable)
          .where(inTenant(tenantId))
          .orderBy(desc(t.createdAt), desc(t.id))
          .limit(query.limit)
          .offset((query.page - 1) * query.limit),
        db
          .select({ total: count() })
          .from(t as PgTable)
          .where(inTenant(tenantId)),
      ]);
      return {
        data: (rows as Row[]).map((r) => toRecord(def, r)),
        page: query.page,
        limit: query.limit,
        total: Number(total),
        pages: Math.max(1, Math.ceil(Number(total) / query.limit)),
      };
    },

    async get(tenantId: string, id: string): Promise<CrmRecord> {
      if (!isUuid(id)) throw notFound();
      const [row] = await db
        .select()
        .from(t as PgTable)
        .where(inTenant(tenantId, id))
        .limit(1);
      if (!row) throw notFound();
      return toRecord(def, row as Row);
    },

    async create(actor: Actor, tenantId: string, input: Record<string, unknown>): Promise<CrmRecord> {
      try {
        return await db.transaction(async (tx) => {
          await checkReferences(tx, tenantId, input);
          const [row] = await tx
            .insert(t)
            .values({ ...toColumns(input, dateFields), organisationId: tenantId } as never)
            .returning();
          const record = toRecord(def, row as Row);
          await emitEntityChange(tx, {
            organisationId: tenantId,
            entity: def.entity,
            operation: 'created',
            record,
            actor,
          });
          return record;
        });
      } catch (error) {
        rethrowUnique(error);
      }
    },

    async update(
      actor: Actor,
      tenantId: string,
      id: string,
      input: Record<string, unknown>,
    ): Promise<CrmRecord> {
      if (!isUuid(id)) throw notFound();
      try {
        return await db.transaction(async (tx) => {
          // References are checked before writing: a bad one is a 422 naming the field, and never
          // reaches the foreign key (whose error would carry the query and its parameters).
          await checkReferences(tx, tenantId, input);
          const [row] = await tx
            .update(t)
            .set({ ...toColumns(input, dateFields), updatedAt: new Date() } as never)
            .where(inTenant(tenantId, id))
            .returning();
          if (!row) throw notFound();
          const record = toRecord(def, row as Row);
          await emitEntityChange(tx, {
            organisationId: tenantId,
            entity: def.entity,
            operation: 'updated',
            record,
            actor,
          });
          return record;
        });
      } catch (error) {
        rethrowUnique(error);
      }
    },

    async remove(actor: Actor, tenantId: string, id: string): Promise<void> {
      if (!isUuid(id)) throw notFound();
      await db.transaction(async (tx) => {
        const [row] = await tx.delete(t).where(inTenant(tenantId, id)).returning();
        if (!row) throw notFound();
        await emitEntityChange(tx, {
          organisationId: tenantId,
          entity: def.entity,
          operation: 'deleted',
          record: toRecord(def, row as Row),
          actor,
        });
      });
    },
  };
}

export type CrmResource = ReturnType<typeof defineCrmResource>;

export const customerResource = defineCrmResource({
  resource: 'customers',
  entity: 'customer',
  table: customers,
  createSchema: createCustomerSchema,
  updateSchema: updateCustomerSchema,
  outputSchema: customerSchema,
});

export const contactResource = defineCrmResource({
  resource: 'contacts',
  entity: 'contact',
  table: contacts,
  createSchema: createContactSchema,
  updateSchema: updateContactSchema,
  outputSchema: contactSchema,
  references: { customer_id: customers },
});

export const leadResource = defineCrmResource({
  resource: 'leads',
  entity: 'lead',
  table: leads,
  createSchema: createLeadSchema,
  updateSchema: updateLeadSchema,
  outputSchema: leadSchema,
});

export const callResource = defineCrmResource({
  resource: 'calls',
  entity: 'call',
  table: calls,
  createSchema: createCallSchema,
  updateSchema: updateCallSchema,
  outputSchema: callSchema,
  references: { customer_id: customers, contact_id: contacts },
});

export const serviceResource = defineCrmResource({
  resource: 'services',
  entity: 'service',
  table: services,
  createSchema: createServiceSchema,
  updateSchema: updateServiceSchema,
  outputSchema: serviceSchema,
  references: { customer_id: customers },
});

export const inventoryResource = defineCrmResource({
  resource: 'inventory',
  entity: 'inventory_item',
  table: inventoryItems,
  createSchema: createInventoryItemSchema,
  updateSchema: updateInventoryItemSchema,
  outputSchema: inventoryItemSchema,
  unique: {
    inventory_items_org_sku_unique: { field: 'sku', message: 'An item with this SKU already exists.' },
  },
});

export const provisioningResource = defineCrmResource({
  resource: 'provisioning',
  entity: 'provisioning_request',
  table: provisioningRequests,
  createSchema: createProvisioningRequestSchema,
  updateSchema: updateProvisioningRequestSchema,
  outputSchema: provisioningRequestSchema,
  references: { service_id: services, customer_id: customers },
});

export const agentResource = defineCrmResource({
  resource: 'agents',
  entity: 'agent',
  table: agents,
  createSchema: createAgentSchema,
  updateSchema: updateAgentSchema,
  outputSchema: agentSchema,
});

export const knowledgeBaseResource = defineCrmResource({
  resource: 'knowledge_base',
  entity: 'knowledge_base_article',
  table: knowledgeBaseArticles,
  createSchema: createArticleSchema,
  updateSchema: updateArticleSchema,
  outputSchema: articleSchema,
});

export const integrationResource = defineCrmResource({
  resource: 'integrations',
  entity: 'integration',
  table: integrations,
  createSchema: createIntegrationSchema,
  updateSchema: updateIntegrationSchema,
  outputSchema: integrationSchema,
});

/** Every CRM resource made with defineCrmResource, in catalogue order. */
export const CRM_RESOURCES = [
  customerResource,
  contactResource,
  leadResource,
  callResource,
  serviceResource,
  inventoryResource,
  provisioningResource,
  agentResource,
  knowledgeBaseResource,
  integrationResource,
] as const;
