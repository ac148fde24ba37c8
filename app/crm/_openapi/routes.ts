import 'server-only';
import { usageQuerySchema, usageResponseSchema } from '@/lib/validation/usage';
import * as agents from '@/app/crm/agents/route';
import * as agent from '@/app/crm/agents/[id]/route';
import { noQuerySchema } from '@/lib/api/request';
import * as analyticsSummary from '@/app/crm/analytics/summary/route';
import * as apiKeys from '@/app/crm/api-keys/route';
import * as apiKey from '@/app/crm/api-keys/[id]/route';
import * as apiKeyDisable from '@/app/crm/api-keys/[id]/disable/route';
import * as apiKeyEnable from '@/app/crm/api-keys/[id]/enable/route';
import * as apiKeyRegenerate from '@/app/crm/api-keys/[id]/regenerate/route';
import * as apiKeyEndOverlap from '@/app/crm/api-keys/[id]/end-overlap/route';
import * as apiKeyRotation from '@/app/crm/api-keys/[id]/rotation/route';
import * as apiKeyPolicy from '@/app/crm/api-keys/policy/route';
import * as secretScanningReports from '@/app/crm/secret-scanning/reports/route';
import { secretScanningReportSchema, secretScanningResponseSchema } from '@/lib/validation/secret-scanning';
import { keyPolicyResponseSchema, keyPolicySchema } from '@/lib/validation/key-policy';
import * as apiKeyUsage from '@/app/crm/api-keys/[id]/usage/route';
import * as apiKeyRevoke from '@/app/crm/api-keys/[id]/revoke/route';
import * as calls from '@/app/crm/calls/route';
import * as call from '@/app/crm/calls/[id]/route';
import * as contacts from '@/app/crm/contacts/route';
import * as contact from '@/app/crm/contacts/[id]/route';
import * as customers from '@/app/crm/customers/route';
import * as customer from '@/app/crm/customers/[id]/route';
import * as health from '@/app/crm/health/route';
import * as integrations from '@/app/crm/integrations/route';
import * as integration from '@/app/crm/integrations/[id]/route';
import * as healthLive from '@/app/crm/health/live/route';
import * as healthReady from '@/app/crm/health/ready/route';
import * as inventory from '@/app/crm/inventory/route';
import * as inventoryItem from '@/app/crm/inventory/[id]/route';
import * as knowledgeBase from '@/app/crm/knowledge-base/route';
import * as knowledgeBaseArticle from '@/app/crm/knowledge-base/[id]/route';
import * as leads from '@/app/crm/leads/route';
import * as lead from '@/app/crm/leads/[id]/route';
import * as me from '@/app/crm/me/route';
import * as openapiJson from '@/app/crm/openapi.json/route';
import * as provisioning from '@/app/crm/provisioning/route';
import * as provisioningRequest from '@/app/crm/provisioning/[id]/route';
import * as services from '@/app/crm/services/route';
import * as webhooks from '@/app/crm/webhooks/route';
import * as webhook from '@/app/crm/webhooks/[id]/route';
import * as webhookDeliveries from '@/app/crm/webhooks/[id]/deliveries/route';
import * as service from '@/app/crm/services/[id]/route';
import {
  agentResource,
  callResource,
  contactResource,
  customerResource,
  integrationResource,
  inventoryResource,
  knowledgeBaseResource,
  leadResource,
  provisioningResource,
  serviceResource,
  type CrmResource,
} from '@/lib/services/crm-resources';
import { analyticsSummarySchema } from '@/lib/validation/analytics';
import {
  apiKeyListResponseSchema,
  apiKeyResponseSchema,
  createApiKeySchema,
  createdApiKeyResponseSchema,
  listApiKeysSchema,
  regenerateApiKeySchema,
  rotationResponseSchema,
  updateApiKeySchema,
} from '@/lib/validation/api-keys';
import { listQuerySchema, pageSchema } from '@/lib/validation/crm';
import {
  healthResponseSchema,
  livenessResponseSchema,
  readinessResponseSchema,
} from '@/lib/validation/health';
import { meResponseSchema } from '@/lib/validation/me';
import {
  createdWebhookOutputSchema,
  createWebhookSchema,
  updateWebhookSchema,
  webhookDeliveriesOutputSchema,
  webhookListOutputSchema,
  webhookEventSchema,
  webhookOutputSchema,
} from '@/lib/validation/webhooks';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_PREFIX } from '@/lib/webhooks/signing';
import { LRUCache } from 'lru-cache';
import { defineRoute, type RouteDoc, type WebhookDoc } from '@/lib/api/openapi/define';
import { buildOpenApiDocument, type OpenApiDocument } from '@/lib/api/openapi/document';

type RouteModule = Record<string, unknown>;

/**
 * The two route files of a CRM resource (lib/api/crm-routes.ts), documented from the resource's own
 * create, update and output schemas: a new CRM resource is one line below.
 */
function crmResourceRoutes(resource: CrmResource, collection: RouteModule, item: RouteModule): RouteDoc[] {
  const one = resource.entity.replace(/_/g, ' ');
  // "an inventory item", "a lead".
  const a = /^[aeiou]/i.test(one) ? 'an' : 'a';
  const path = `/crm/${resource.resource.replace(/_/g, '-')}` as const;
  const conflicts = resource.unique ? (['conflict'] as const) : [];
  return [
    defineRoute(path, collection, {
      GET: {
        summary: `List ${one}s`,
        description: `One page of the organisation's ${one}s, newest first.`,
        query: listQuerySchema,
        response: pageSchema(resource.outputSchema),
      },
      POST: {
        summary: `Create ${a} ${one}`,
        body: resource.createSchema,
        response: resource.outputSchema,
        status: 201,
        idempotent: true,
        errors: [...conflicts],
      },
    }),
    defineRoute(`${path}/{id}`, item, {
      GET: { summary: `Get ${a} ${one}`, response: resource.outputSchema },
      PATCH: {
        summary: `Update ${a} ${one}`,
        description: 'Send only the fields to change.',
        body: resource.updateSchema,
        response: resource.outputSchema,
        errors: [...conflicts],
      },
      PUT: {
        summary: `Update ${a} ${one} (PUT)`,
        description: 'The same as PATCH: send only the fields to change.',
        body: resource.updateSchema,
        response: resource.outputSchema,
        errors: [...conflicts],
      },
      DELETE: { summary: `Delete ${a} ${one}`, status: 204, responseDescription: 'Deleted.' },
    }),
  ];
}

/** A request that creates a working key: the schema alone cannot tell which permission strings exist. */
const CREATE_KEY_EXAMPLE = {
  name: 'Nightly billing sync',
  description: 'Reads customers and services for the billing export.',
  permissions: ['customers:read', 'services:read'],
  expiry_date: '2030-12-31',
};

/**
 * THE list of /crm routes in the API document: one entry per route file, naming the zod schemas its
 * handlers validate and answer with. How each method is guarded (permission, tenant, public) is read
 * from the handler itself. Adding a route: add its entry here; app/crm/_openapi/openapi.test.ts fails until
 * every route file and exported method under app/crm is listed, and nothing else is.
 */
export function openApiRoutes(): RouteDoc[] {
  return [
    defineRoute(
      '/crm/me',
      me,
      {
        GET: {
          summary: 'The calling API key',
          description:
            'Who the key is: its organisation, permissions and the organisations (tenants) it may reach. ' +
            'A good first call to check a key works.',
          response: meResponseSchema,
        },
      },
      'Identity',
    ),
    defineRoute('/crm/api-keys', apiKeys, {
      GET: {
        summary: 'List API keys',
        description: "The organisation's keys, masked: a secret is never shown again after it was created.",
        query: listApiKeysSchema,
        response: apiKeyListResponseSchema,
      },
      POST: {
        summary: 'Create an API key',
        description:
          'The response is the only one that contains the secret (`api_key`): store it now. ' +
          'A key never gets more permissions or tenants than whoever creates it. ' +
          '`tenants` may be left out: the key then reaches the organisation it is created in (or the one ' +
          'tenant of a calling one-tenant key); a calling key that reaches several tenants must name them. ' +
          'Permission names of the older published format (`view_customer`, `create_services`, …) are ' +
          'accepted as deprecated aliases and stored, and shown, as the canonical names.',
        body: createApiKeySchema,
        example: CREATE_KEY_EXAMPLE,
        response: createdApiKeyResponseSchema,
        status: 201,
        idempotent: true,
        errors: ['forbidden', 'name_taken'],
      },
    }),
    defineRoute('/crm/api-keys/policy', apiKeyPolicy, {
      GET: {
        summary: "The organisation's key policy",
        description: '"Keys must expire" and the maximum lifetime of integration keys.',
        response: keyPolicyResponseSchema,
      },
      PUT: {
        summary: "Set the organisation's key policy",
        description:
          'Creating, editing the expiry of, or regenerating a key outside the policy is then refused (422, ' +
          '`expiry_date`). Keys made before it are listed with `outside_policy: true`; PATCH their ' +
          '`expiry_date` to bring them in. Audited.',
        body: keyPolicySchema,
        example: { keys_must_expire: true, max_lifetime_days: 90 },
        response: keyPolicyResponseSchema,
        errors: ['forbidden'],
      },
    }),
    defineRoute('/crm/api-keys/{id}', apiKey, {
      GET: { summary: 'Get an API key', response: apiKeyResponseSchema },
      PATCH: {
        summary: 'Update an API key',
        description:
          'Change its name, description, expiry date, permissions or tenants, or protect it ' +
          '(`"protected": true`: it cannot be deleted until `"protected": false`). Send only what changes. ' +
          'A revoked key can still be unprotected, and nothing else.',
        body: updateApiKeySchema,
        response: apiKeyResponseSchema,
        errors: ['forbidden', 'name_taken', 'key_revoked_final'],
      },
      DELETE: {
        summary: 'Delete an API key',
        description:
          'The key stops working at once; its audit events stay. A protected key answers 409 `key_protected`: ' +
          'unprotect it first with PATCH `{"protected": false}`.',
        status: 204,
        responseDescription: 'Deleted.',
        errors: ['forbidden', 'key_protected'],
      },
    }),
    defineRoute('/crm/api-keys/{id}/usage', apiKeyUsage, {
      GET: {
        summary: "An API key's usage",
        description:
          'Requests counted per hour (window=24h) or per day (7d, 30d), split by outcome; counts reach ' +
          'the database in batches every few seconds.',
        query: usageQuerySchema,
        response: usageResponseSchema,
      },
    }),
    defineRoute('/crm/api-keys/{id}/regenerate', apiKeyRegenerate, {
      POST: {
        summary: 'Regenerate an API key',
        description:
          'A new secret (in `api_key`, shown once). With `grace_period_seconds` (0 to 604800, never past the ' +
          "key's own expiry) the old secret keeps working until `previous_key_expires_at`, so callers can " +
          'switch without downtime; from that moment it is refused (401). Without it (0, the default) the ' +
          'old secret fails from the next request. Regenerating during an overlap ends the older secret at ' +
          "once. Refused (422, `expiry_date`) while the key's expiry is outside the organisation's key policy.",
        body: regenerateApiKeySchema,
        example: { grace_period_seconds: 86400 },
        response: createdApiKeyResponseSchema,
        status: 201,
        idempotent: true,
        errors: ['forbidden', 'key_revoked_final'],
      },
    }),
    defineRoute('/crm/api-keys/{id}/rotation', apiKeyRotation, {
      GET: {
        summary: 'Which secret callers use during a rotation',
        description:
          'While both secrets work: requests per secret in the current and previous clock hour, and when ' +
          'the old secret was last used, so you can see when it has gone quiet. `rotating: false` otherwise.',
        response: rotationResponseSchema,
      },
    }),
    defineRoute('/crm/api-keys/{id}/end-overlap', apiKeyEndOverlap, {
      POST: {
        summary: 'End a rotation overlap now',
        description:
          'The previous secret is refused from the next request. Nothing happens when no overlap runs.',
        response: apiKeyResponseSchema,
        errors: ['forbidden'],
      },
    }),
    defineRoute('/crm/api-keys/{id}/disable', apiKeyDisable, {
      POST: {
        summary: 'Disable an API key',
        description: 'Requests with the key are refused until it is enabled again.',
        response: apiKeyResponseSchema,
        errors: ['forbidden', 'key_revoked_final'],
      },
    }),
    defineRoute('/crm/api-keys/{id}/enable', apiKeyEnable, {
      POST: {
        summary: 'Enable an API key',
        response: apiKeyResponseSchema,
        errors: ['forbidden', 'key_revoked_final'],
      },
    }),
    defineRoute('/crm/api-keys/{id}/revoke', apiKeyRevoke, {
      POST: {
        summary: 'Revoke an API key',
        description:
          'For good: the key is refused from the very next request and can never be enabled again.',
        response: apiKeyResponseSchema,
        errors: ['forbidden', 'key_revoked_final'],
      },
    }),
    ...crmResourceRoutes(customerResource, customers, customer),
    ...crmResourceRoutes(contactResource, contacts, contact),
    ...crmResourceRoutes(leadResource, leads, lead),
    ...crmResourceRoutes(callResource, calls, call),
    ...crmResourceRoutes(serviceResource, services, service),
    ...crmResourceRoutes(inventoryResource, inventory, inventoryItem),
    ...crmResourceRoutes(provisioningResource, provisioning, provisioningRequest),
    ...crmResourceRoutes(agentResource, agents, agent),
    ...crmResourceRoutes(knowledgeBaseResource, knowledgeBase, knowledgeBaseArticle),
    ...crmResourceRoutes(integrationResource, integrations, integration),
    defineRoute('/crm/webhooks', webhooks, {
      GET: {
        summary: 'List webhooks',
        description: 'The webhooks registered with the calling key (never their signing secrets).',
        query: noQuerySchema,
        response: webhookListOutputSchema,
      },
      POST: {
        summary: 'Create a webhook',
        description:
          "Subscribe a URL to one entity's created, updated or deleted events in the organisation. " +
          'The response is the only one that contains the signing secret (`signing_secret`): store it now. ' +
          'The key also needs read permission on the entity it subscribes to.',
        body: createWebhookSchema,
        response: createdWebhookOutputSchema,
        status: 201,
        errors: ['forbidden', 'permission_denied', 'conflict'],
      },
    }),
    defineRoute('/crm/webhooks/{id}', webhook, {
      GET: { summary: 'Get a webhook', response: webhookOutputSchema },
      PATCH: {
        summary: 'Pause or resume a webhook',
        body: updateWebhookSchema,
        response: webhookOutputSchema,
        errors: ['forbidden'],
      },
      DELETE: {
        summary: 'Delete a webhook',
        description: 'Unsubscribe; queued deliveries go with it.',
        status: 204,
        responseDescription: 'Deleted.',
        errors: ['forbidden'],
      },
    }),
    defineRoute('/crm/webhooks/{id}/deliveries', webhookDeliveries, {
      GET: {
        summary: "A webhook's deliveries",
        description: 'The last 20 delivery attempts, newest first.',
        query: noQuerySchema,
        response: webhookDeliveriesOutputSchema,
      },
    }),
    defineRoute('/crm/analytics/summary', analyticsSummary, {
      GET: {
        summary: 'Analytics summary',
        description:
          "Counts over the organisation's records. Analytics is read-only: other methods answer 405.",
        response: analyticsSummarySchema,
      },
    }),
    defineRoute(
      '/crm/secret-scanning/reports',
      secretScanningReports,
      {
        POST: {
          summary: 'Report leaked keys (secret scanning)',
          description:
            'For secret scanners (the secret-scanning partner format): a JSON array of found tokens. The raw ' +
            'body must be signed with ECDSA P-256 / SHA-256 by a key listed in the file named by ' +
            '`SECRET_SCANNING_KEYS_FILE`; an unsigned or forged report is refused (401 `signature_invalid`) ' +
            'and changes nothing. Each token of ours is revoked at once and labelled `true_positive`; every ' +
            'other token is a `false_positive`, answered in the same time.',
          body: secretScanningReportSchema,
          example: [
            {
              token: 'sk_live_…',
              type: 'crm_api_key',
              url: 'https://github.com/o/r/blob/abc/.env',
              source: 'content',
            },
          ],
          response: secretScanningResponseSchema,
          headers: [
            {
              name: 'Github-Public-Key-Identifier',
              description: "The identifier of the scanner's signing key (its `key_identifier`).",
              required: true,
            },
            {
              name: 'Github-Public-Key-Signature',
              description: 'Base64 DER ECDSA P-256 / SHA-256 signature of the raw request body.',
              required: true,
            },
          ],
          errors: ['signature_invalid'],
        },
      },
      'Secret scanning',
    ),
    defineRoute(
      '/crm/health',
      health,
      {
        GET: {
          summary: 'Health check',
          description: 'Whether the API and its database are up. For load balancers and monitors.',
          response: healthResponseSchema,
          errors: ['service_unavailable'],
        },
      },
      'System',
    ),
    defineRoute(
      '/crm/health/ready',
      healthReady,
      {
        GET: {
          summary: 'Readiness',
          description:
            'Whether this instance should receive traffic: its database answers and has every migration of ' +
            'this build. 503 `service_unavailable` while the database is unreachable and while the instance ' +
            'shuts down (SIGTERM), so a load balancer moves traffic away before it stops. No key needed.',
          response: readinessResponseSchema,
          errors: ['service_unavailable'],
        },
      },
      'System',
    ),
    defineRoute(
      '/crm/health/live',
      healthLive,
      {
        GET: {
          summary: 'Liveness',
          description:
            'Whether the process answers at all; never asks the database (restarting the process would not ' +
            'bring it back). For a process manager’s liveness probe. No key needed.',
          response: livenessResponseSchema,
        },
      },
      'System',
    ),
    defineRoute(
      '/crm/openapi.json',
      openapiJson,
      {
        GET: {
          summary: 'This OpenAPI document',
          description: 'The OpenAPI 3.1 document of the API, for code generators and API clients.',
          responseDescription: 'The OpenAPI 3.1 document.',
        },
      },
      'System',
    ),
  ];
}

/** What the API sends to a webhook's URL (lib/webhooks): documented beside the routes. */
export function openApiWebhooks(): WebhookDoc[] {
  return [
    {
      name: 'crmEvent',
      summary: 'A record was created, updated or deleted',
      description:
        'POSTed to the URL of each webhook subscribed to the entity and operation. Verify it before use: ' +
        `compute the HMAC-SHA256 of \`<X-Webhook-Timestamp>.<raw body>\` with the webhook's signing secret, ` +
        `compare \`${SIGNATURE_PREFIX}<hex>\` to X-Webhook-Signature in constant time, and refuse a timestamp ` +
        `more than ${DEFAULT_TOLERANCE_SECONDS} seconds from now. Deliveries are retried with backoff until a 2xx.\n\n` +
        '**At least once, in order per record.** Every change is delivered at least once, so the same delivery ' +
        'can arrive twice (after a retry, or when an instance died mid-attempt and another sent it again once its ' +
        'lease ran out): drop duplicates by X-Webhook-Id. The events of one record sent to one URL arrive in the ' +
        "order the changes happened, across that URL's subscriptions (created, updated, deleted): a later event " +
        'is not sent while an earlier one is still pending, and goes once that one is acknowledged, given up or ' +
        'cancelled. If you process events concurrently or replay them, `occurred_at` breaks the tie: keep the ' +
        'latest `occurred_at` applied per record and ignore older events.',
      body: webhookEventSchema,
      headers: [
        {
          name: 'X-Webhook-Id',
          description: "The delivery's id, the same on every attempt: drop duplicates by it.",
          example: '0b7e6a52-5f0c-4d1e-9a43-2f1f0c8b9d11',
        },
        {
          name: 'X-Webhook-Event',
          description: 'The event type: <entity>.<operation>.',
          example: 'customer.created',
        },
        {
          name: 'X-Webhook-Subscription',
          description: 'The id of the webhook (subscription) this delivery is for.',
          example: '5d3c1a9e-8a4b-4f6e-b2d7-1c9e0f3a7b24',
        },
        {
          name: 'X-Webhook-Attempt',
          description: 'Which attempt this is: 1, 2, …',
          example: '1',
        },
        {
          name: 'X-Webhook-Timestamp',
          description: 'Unix seconds when this attempt was sent.',
          example: '1767225600',
        },
        {
          name: 'X-Webhook-Signature',
          description: `${SIGNATURE_PREFIX}<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the signing secret>`,
          example: `${SIGNATURE_PREFIX}4f7c…`,
        },
      ],
    },
  ];
}

// Building the document takes ~100 ms and it only changes with the code, so keep it per origin.
// Bounded: the origin comes from the Host header, which any client can set.
const documents = new LRUCache<string, OpenApiDocument>({ max: 16 });

/** THE API document for this server's origin (read-only: shared between requests). */
export function apiDocument(origin: string): OpenApiDocument {
  let document = documents.get(origin);
  if (!document) {
    document = buildOpenApiDocument(openApiRoutes(), origin, openApiWebhooks());
    documents.set(origin, document);
  }
  return document;
}
