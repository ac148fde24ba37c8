import { z } from 'zod';
import type { Resource } from '@/lib/permissions';
import { checkUrlShape, MAX_WEBHOOK_URL_LENGTH } from '@/lib/webhooks/url-guard';

/** The CRM entities webhooks can subscribe to, and the operations on them. */
export const WEBHOOK_ENTITIES = [
  'customer',
  'contact',
  'lead',
  'call',
  'service',
  'inventory_item',
  'provisioning_request',
  'agent',
  'knowledge_base_article',
  'integration',
] as const;
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];
export const WEBHOOK_OPERATIONS = ['created', 'updated', 'deleted'] as const;
export type WebhookOperation = (typeof WEBHOOK_OPERATIONS)[number];

/** The permission resource of each entity: a subscriber must be allowed to read what it receives. */
export const ENTITY_RESOURCES: Record<WebhookEntity, Resource> = {
  customer: 'customers',
  contact: 'contacts',
  lead: 'leads',
  call: 'calls',
  service: 'services',
  inventory_item: 'inventory',
  provisioning_request: 'provisioning',
  agent: 'agents',
  knowledge_base_article: 'knowledge_base',
  integration: 'integrations',
};

/** At most this many webhooks per API key: a key cannot turn one change into unbounded outgoing requests. */
export const MAX_WEBHOOKS_PER_KEY = 25;

export const webhookUrlSchema = z
  .string({ error: 'Enter the URL to send events to.' })
  .trim()
  .min(1, 'Enter the URL to send events to.')
  .max(MAX_WEBHOOK_URL_LENGTH, `Keep the URL under ${MAX_WEBHOOK_URL_LENGTH} characters.`)
  .superRefine((value, ctx) => {
    const shape = checkUrlShape(value);
    if (!shape.ok) ctx.addIssue({ code: 'custom', message: shape.message });
  })
  .meta({ format: 'uri', pattern: '^https?://' });

// POST /crm/webhooks
export const createWebhookSchema = z.strictObject({
  url: webhookUrlSchema,
  entity: z.enum(WEBHOOK_ENTITIES, { error: `Choose one of: ${WEBHOOK_ENTITIES.join(', ')}.` }),
  operation: z.enum(WEBHOOK_OPERATIONS, { error: `Choose one of: ${WEBHOOK_OPERATIONS.join(', ')}.` }),
});
export type CreateWebhookInput = z.output<typeof createWebhookSchema>;

/** What a person or a key may set: pause or resume. "disabled" is the system's to set. */
export const WEBHOOK_SETTABLE_STATUSES = ['active', 'paused'] as const;

// PATCH /crm/webhooks/{id}
export const updateWebhookSchema = z.strictObject({
  status: z.enum(WEBHOOK_SETTABLE_STATUSES, { error: 'Set status to "active" or "paused".' }),
});
export type UpdateWebhookInput = z.output<typeof updateWebhookSchema>;

export const webhookOutputSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  entity: z.enum(WEBHOOK_ENTITIES),
  operation: z.enum(WEBHOOK_OPERATIONS),
  organisation_id: z.uuid(),
  /** active: sending; paused: stopped by a person; disabled: switched off (see disabled_reason). */
  status: z.enum(['active', 'paused', 'disabled']),
  disabled_reason: z.enum(['failing', 'key_cleared', 'gone']).nullable(),
  consecutive_failures: z.number().int(),
  last_delivery_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
  created_at: z.string(),
});
export type WebhookOutput = z.output<typeof webhookOutputSchema>;

/** The answer to POST /crm/webhooks: the only one that carries the signing secret. */
export const createdWebhookOutputSchema = webhookOutputSchema.extend({
  signing_secret: z.string(),
});

export const webhookListOutputSchema = z.object({ data: z.array(webhookOutputSchema) });

/** The event body POSTed to a subscriber. */
export const webhookEventSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  entity: z.enum(WEBHOOK_ENTITIES),
  operation: z.enum(WEBHOOK_OPERATIONS),
  organisation_id: z.uuid(),
  occurred_at: z.string().meta({
    description:
      "The database's clock when the change was written (ISO 8601, UTC, microseconds); for one record it only increases.",
    example: '2026-01-01T12:00:00.123456Z',
  }),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.output<typeof webhookEventSchema>;

/** GET /crm/webhooks/{id}/deliveries: the last attempts, newest first. */
export const webhookDeliveryAttemptOutputSchema = z.object({
  delivery_id: z.uuid(),
  event_type: z.string(),
  attempt: z.number().int(),
  attempted_at: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});
export const webhookDeliveriesOutputSchema = z.object({ data: z.array(webhookDeliveryAttemptOutputSchema) });
