import { z } from 'zod';
import type { Resource } from '@/lib/permissions';
import { checkUrlShape, MAX_WEBHOOK_URL_LENGTH } from '@/lib/webhooks/url-guard';
import { apiKeyResponseSchema } from './api-keys';

/** The CRM entities webhooks can subscribe to, and the operations on them. */
export const CRM_WEBHOOK_ENTITIES = [
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
export type CrmWebhookEntity = (typeof CRM_WEBHOOK_ENTITIES)[number];
export const CRM_WEBHOOK_OPERATIONS = ['created', 'updated', 'deleted'] as const;
export type CrmWebhookOperation = (typeof CRM_WEBHOOK_OPERATIONS)[number];

/**
 * What happens to API keys (integration keys, as GET /crm/api-keys shows them): expiring (7 days and
 * 1 day before expires_at), revoked (by anyone, a leak report included), leaked (a secret scanner
 * reported it), rotated (regenerated). Only subscribers that could see the key receive them.
 */
export const API_KEY_WEBHOOK_OPERATIONS = ['expiring', 'revoked', 'leaked', 'rotated'] as const;
export type ApiKeyWebhookOperation = (typeof API_KEY_WEBHOOK_OPERATIONS)[number];

export const WEBHOOK_ENTITIES = [...CRM_WEBHOOK_ENTITIES, 'api_key'] as const;
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];
export const WEBHOOK_OPERATIONS = [...CRM_WEBHOOK_OPERATIONS, ...API_KEY_WEBHOOK_OPERATIONS] as const;
export type WebhookOperation = (typeof WEBHOOK_OPERATIONS)[number];

/** The operations valid for each entity: a subscription names one of its entity's. */
export function operationsOf(entity: WebhookEntity): readonly WebhookOperation[] {
  return entity === 'api_key' ? API_KEY_WEBHOOK_OPERATIONS : CRM_WEBHOOK_OPERATIONS;
}

/** Every event type the API sends: "<entity>.<operation>". */
export const WEBHOOK_EVENT_TYPES = WEBHOOK_ENTITIES.flatMap((e) => operationsOf(e).map((o) => `${e}.${o}`));

/**
 * The permission resource of each entity: a subscriber must be allowed to read what it receives
 * (api_keys:read for key events, and then only about keys it could see: lib/access.ts canSeeKey).
 */
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
  api_key: 'api_keys',
};

/** What each event type means, for people: the admin pages and the documentation. */
export const API_KEY_EVENT_DESCRIPTIONS: Record<ApiKeyWebhookOperation, string> = {
  expiring: 'An API key expires in 7 days, or in 1 day',
  revoked: 'An API key was revoked',
  leaked: 'An API key was reported leaked (and revoked)',
  rotated: 'An API key was regenerated',
};

/** A subscription's event in words, for the pages: "Customer created", "An API key was revoked". */
export function describeWebhookEvent(entity: string, operation: string): string {
  if (entity === 'api_key' && (API_KEY_WEBHOOK_OPERATIONS as readonly string[]).includes(operation)) {
    return API_KEY_EVENT_DESCRIPTIONS[operation as ApiKeyWebhookOperation];
  }
  const words = entity.replace(/_/g, ' ');
  return `${words[0]?.toUpperCase() ?? ''}${words.slice(1)} ${operation}`;
}

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

const entityMessage = `Choose one of: ${WEBHOOK_ENTITIES.join(', ')}.`;

// POST /crm/webhooks: one entity and one of its operations. A union on `entity`, so the document
// states which operations go with which entity, and a wrong pair is a 422 naming `operation`.
export const createWebhookSchema = z.discriminatedUnion(
  'entity',
  [
    z.strictObject({
      url: webhookUrlSchema,
      entity: z.enum(CRM_WEBHOOK_ENTITIES, { error: entityMessage }),
      operation: z.enum(CRM_WEBHOOK_OPERATIONS, {
        error: `For a CRM record choose one of: ${CRM_WEBHOOK_OPERATIONS.join(', ')}.`,
      }),
    }),
    z.strictObject({
      url: webhookUrlSchema,
      entity: z.literal('api_key', { error: entityMessage }),
      operation: z.enum(API_KEY_WEBHOOK_OPERATIONS, {
        error: `For api_key choose one of: ${API_KEY_WEBHOOK_OPERATIONS.join(', ')}.`,
      }),
    }),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null && !Array.isArray(issue.input)
        ? entityMessage
        : 'Send a JSON object.',
  },
);
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

const occurredAtSchema = z.string().meta({
  description:
    "The database's clock when the change was written (ISO 8601, UTC, microseconds); for one record it only increases.",
  example: '2026-01-01T12:00:00.123456Z',
});

/** The event body POSTed to a subscriber of a CRM entity. */
export const webhookEventSchema = z.object({
  id: z.uuid().meta({ description: 'The event: the same for every subscription that receives it.' }),
  type: z.enum(CRM_WEBHOOK_ENTITIES.flatMap((e) => CRM_WEBHOOK_OPERATIONS.map((o) => `${e}.${o}` as const))),
  entity: z.enum(CRM_WEBHOOK_ENTITIES),
  operation: z.enum(CRM_WEBHOOK_OPERATIONS),
  organisation_id: z.uuid(),
  occurred_at: occurredAtSchema,
  data: z
    .record(z.string(), z.unknown())
    .meta({ description: 'The record as the API returns it: after the change, or before it for deleted.' }),
});
export type WebhookEvent = z.output<typeof webhookEventSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/** What each API key event adds to the key itself (`details`). Never the secret, never its hash. */
export const apiKeyEventDetailsSchemas = {
  expiring: z.object({
    expires_at: isoDateTime.meta({ description: 'When the key stops working.' }),
    days_before: z
      .union([z.literal(7), z.literal(1)])
      .meta({ description: 'Which notice this is: 7 days or 1 day before expires_at. Each is sent once.' }),
  }),
  revoked: z.object({
    reason: z.enum(['revoked', 'leaked']).meta({
      description: 'revoked: by an admin or a key; leaked: at once, on a secret-scanning report.',
    }),
  }),
  leaked: z.object({
    url: z.string().nullable().meta({ description: 'Where the scanner found the secret, as it reported.' }),
    source: z
      .string()
      .nullable()
      .meta({ description: 'The kind of place (e.g. content, commit), as reported.' }),
    token_type: z.string().meta({ description: "The scanner's name for the kind of secret." }),
    leaked_secret: z.enum(['current', 'previous']).meta({
      description: "Which of the key's secrets leaked: the current one, or a rotation's previous one.",
    }),
  }),
  rotated: z.object({
    previous_key_expires_at: isoDateTime.nullable().meta({
      description: 'With an overlap: when the previous secret stops working. null: it stopped at once.',
    }),
  }),
} as const satisfies Record<ApiKeyWebhookOperation, z.ZodType>;

/** The body of an API key event: the key as GET /crm/api-keys/{id} shows it, and what happened. */
export function apiKeyEventSchema<O extends ApiKeyWebhookOperation>(operation: O) {
  return z.object({
    id: z.uuid().meta({ description: 'The event: the same for every subscription that receives it.' }),
    type: z.literal(`api_key.${operation}` as const),
    entity: z.literal('api_key'),
    operation: z.literal(operation),
    organisation_id: z.uuid().meta({ description: 'The organisation that owns the key.' }),
    occurred_at: occurredAtSchema,
    data: apiKeyResponseSchema.meta({ description: 'The key as the API shows it (never its secret).' }),
    details: apiKeyEventDetailsSchemas[operation],
  });
}
export type ApiKeyEvent<O extends ApiKeyWebhookOperation = ApiKeyWebhookOperation> = z.output<
  ReturnType<typeof apiKeyEventSchema<O>>
>;
export type ApiKeyEventDetails<O extends ApiKeyWebhookOperation> = z.output<
  (typeof apiKeyEventDetailsSchemas)[O]
>;

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
