import { z } from 'zod';
import { API_KEY_DISPLAY_STATUSES, DAY_MS as DAY, type ApiKeyDisplayStatus } from '@/lib/keys/lifecycle';
import {
  ALL_PERMISSIONS,
  normalisePermissions,
  PERMISSION_ALIASES,
  resolvePermission,
  type Permission,
} from '@/lib/permissions';

export const API_KEY_STATUS_FILTERS = [
  'all',
  'active',
  'expiring_soon',
  'expired',
  'disabled',
  'revoked',
  'unused',
  // Groups for the admin pages' tabs: keys still in service, and keys kept for audit.
  'current',
  'ended',
] as const;
export type ApiKeyStatusFilter = (typeof API_KEY_STATUS_FILTERS)[number];
export const API_KEY_SORTS = ['name', 'created', 'expires', 'created_by', 'last_used'] as const;
export type ApiKeySort = (typeof API_KEY_SORTS)[number];

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An expiry date: "YYYY-MM-DD" (the key works through that whole day, UTC) or an ISO date-time.
 * Empty or null means no expiry. Never in the past.
 */
export const expiryDateSchema = z
  .union([
    z.string().trim().meta({
      // What clients should send (the server also reads "" as "never"); a refinement is invisible here.
      pattern: '^(\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?)?$',
      description:
        'A future date (YYYY-MM-DD: the key works through that day, UTC) or ISO 8601 date-time; null: never.',
    }),
    z.null(),
  ])
  .optional()
  .transform((value, ctx): Date | null | undefined => {
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    const date = DATE_ONLY.test(value)
      ? new Date(new Date(`${value}T00:00:00Z`).getTime() + DAY)
      : new Date(value);
    if (Number.isNaN(date.getTime()) || (DATE_ONLY.test(value) && !isRealDate(value))) {
      ctx.addIssue({ code: 'custom', message: 'Enter a date as YYYY-MM-DD (or an ISO 8601 date-time).' });
      return z.NEVER;
    }
    if (date.getTime() <= Date.now()) {
      ctx.addIssue({ code: 'custom', message: 'The expiry date must be in the future.' });
      return z.NEVER;
    }
    if (date.getUTCFullYear() > 2200) {
      ctx.addIssue({ code: 'custom', message: 'The expiry date is too far in the future.' });
      return z.NEVER;
    }
    return date;
  });

function isRealDate(value: string): boolean {
  return new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/**
 * One permission as the API accepts it: a canonical name, or a deprecated alias of the published
 * request format (view_customer, create_services, …). Validated as text by permissionsSchema below
 * (one message listing the unknown names); documented as the two enums, the aliases marked deprecated.
 */
const permissionNameSchema = z.string().meta({
  anyOf: [
    { enum: ALL_PERMISSIONS },
    {
      enum: [...PERMISSION_ALIASES.keys()],
      deprecated: true,
      description:
        'Deprecated aliases, accepted on input only: view_<resource> is <resource>:read; create_, update_ and ' +
        'delete_<resource> are <resource>:write (singular or plural). Responses always show the canonical names.',
    },
  ],
});

export const permissionsSchema = z
  .array(permissionNameSchema, { error: 'Choose at least one permission.' })
  .min(1, 'Choose at least one permission.')
  .max(ALL_PERMISSIONS.length * 2)
  .superRefine((list, ctx) => {
    const unknown = list.filter((p) => !resolvePermission(p));
    if (unknown.length) {
      ctx.addIssue({
        code: 'custom',
        message: `Unknown permission${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}.`,
      });
    }
  })
  .transform((list) => normalisePermissions(list.map((p) => resolvePermission(p) ?? p)) as Permission[]);

export const tenantsSchema = z.union(
  [
    z.literal('all'),
    z
      .array(z.uuid({ error: 'Each tenant must be an organisation id.' }))
      .min(1, 'Choose at least one tenant, or "all".')
      .max(500)
      .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
  ],
  { error: 'Choose "all" or a list of organisation ids.' },
);

const nameSchema = z
  .string({ error: 'Enter a name.' })
  .trim()
  .min(1, 'Enter a name.')
  .max(100, 'Keep the name under 100 characters.')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'The name cannot contain control characters.')
  .meta({ pattern: '^[^\\u0000-\\u001f\\u007f]*$' });

const descriptionSchema = z.string().trim().max(500, 'Keep the description under 500 characters.');

export const createApiKeySchema = z.strictObject({
  name: nameSchema,
  description: descriptionSchema.optional().default(''),
  expiry_date: expiryDateSchema,
  permissions: permissionsSchema,
  /**
   * Optional: left out, the key reaches the organisation it is created in (the caller's own), or the
   * one tenant of a calling one-tenant key. A calling key that reaches several tenants must name them.
   */
  tenants: tenantsSchema.optional(),
  /** Superadmins may create a key owned by another organisation; defaults to the creator's. */
  organisation_id: z.uuid().optional(),
});
export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;

export const updateApiKeySchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    expiry_date: expiryDateSchema,
    permissions: permissionsSchema.optional(),
    tenants: tenantsSchema.optional(),
    /** A protected key cannot be deleted (it can still be disabled or revoked); false unprotects it. */
    protected: z.boolean({ error: 'Protected is true or false.' }).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Change at least one field.' })
  .meta({ minProperties: 1 });
export type UpdateApiKeyInput = z.output<typeof updateApiKeySchema>;

/** What a refused delete says: how to unprotect the key, over the API and in the admin pages. */
export function protectedKeyMessage(id: string): string {
  return (
    'This key is protected and cannot be deleted. Unprotect it first: ' +
    `PATCH /crm/api-keys/${id} {"protected": false} or Edit → Protected.`
  );
}

export const listApiKeysSchema = z.object({
  status: z.enum(API_KEY_STATUS_FILTERS).default('all'),
  q: z.string().trim().max(100).default(''),
  sort: z.enum(API_KEY_SORTS).default('created'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListApiKeysInput = z.output<typeof listApiKeysSchema>;

/* ---------------------------------------------------------------------------------------------- */
/* HTTP responses. Every key the API returns goes through these schemas, so only the fields below */
/* can ever leave the server: no hash, and the secret only in the create/regenerate response.      */
/* ---------------------------------------------------------------------------------------------- */

const isoDateTime = z.iso.datetime({ offset: true });

export const apiKeyResponseSchema = z.object({
  api_key_id: z.uuid(),
  organisation_id: z.uuid(),
  kind: z.enum(['integration', 'personal']),
  name: z.string(),
  description: z.string(),
  /** The visible identifier, e.g. "sk_live_…XyZ9". */
  masked_key: z.string(),
  status: z.enum(API_KEY_DISPLAY_STATUSES),
  permissions: z.array(z.string()),
  tenants: z.union([z.literal('all'), z.array(z.object({ id: z.uuid(), name: z.string() }))]),
  protected: z.boolean(),
  created: isoDateTime,
  updated: isoDateTime,
  created_by: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
  created_by_key_id: z.uuid().nullable(),
  expiry_date: isoDateTime.nullable(),
  last_used: isoDateTime.nullable(),
  regenerated: isoDateTime.nullable(),
  disabled: isoDateTime.nullable(),
  revoked: isoDateTime.nullable(),
});
export type ApiKeyResponse = z.output<typeof apiKeyResponseSchema>;

/** The create and regenerate responses: the only ones that carry the secret (`api_key`). */
export const createdApiKeyResponseSchema = apiKeyResponseSchema.extend({ api_key: z.string() });
export type CreatedApiKeyResponse = z.output<typeof createdApiKeyResponseSchema>;

export const apiKeyListResponseSchema = z.object({
  data: z.array(apiKeyResponseSchema),
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  pages: z.number().int(),
});

/** What the key service returns (ApiKeyView), as the structural type the mapping needs. */
type KeyViewLike = {
  id: string;
  organisationId: string;
  kind: 'integration' | 'personal';
  name: string;
  description: string;
  visibleId: string;
  displayStatus: ApiKeyDisplayStatus;
  permissions: string[];
  allTenants: boolean;
  tenants: { id: string; name: string }[];
  protected: boolean;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: { id: string; name: string; email: string } | null;
  createdByKeyId: string | null;
  regeneratedAt: Date | null;
  disabledAt: Date | null;
  revokedAt: Date | null;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A key as the HTTP API shows it (parsed by the output schema: unknown fields are dropped). */
export function toApiKeyResponse(view: KeyViewLike): ApiKeyResponse {
  return apiKeyResponseSchema.parse({
    api_key_id: view.id,
    organisation_id: view.organisationId,
    kind: view.kind,
    name: view.name,
    description: view.description,
    masked_key: view.visibleId,
    status: view.displayStatus,
    permissions: view.permissions,
    tenants: view.allTenants ? 'all' : view.tenants,
    protected: view.protected,
    created: view.createdAt.toISOString(),
    updated: view.updatedAt.toISOString(),
    created_by: view.createdBy,
    created_by_key_id: view.createdByKeyId,
    expiry_date: iso(view.expiresAt),
    last_used: iso(view.lastUsedAt),
    regenerated: iso(view.regeneratedAt),
    disabled: iso(view.disabledAt),
    revoked: iso(view.revokedAt),
  });
}

export function toCreatedApiKeyResponse(view: KeyViewLike, secret: string): CreatedApiKeyResponse {
  return createdApiKeyResponseSchema.parse({ ...toApiKeyResponse(view), api_key: secret });
}
