import { z } from 'zod';
import type { ApiKey } from '@/db/schema';
import { API_KEY_DISPLAY_STATUSES, DAY_MS as DAY, type ApiKeyDisplayStatus } from '@/lib/keys/lifecycle';
import {
  ALL_PERMISSIONS,
  normalisePermissions,
  PERMISSION_ALIASES,
  resolvePermission,
  type Permission,
} from '@/lib/permissions';
import { MAX_ALLOWED_IPS, normaliseAllowedIp } from '@/lib/keys/allowed-ips';

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

/**
 * The addresses a key may be used from: IPv4/IPv6 addresses or CIDR ranges, normalised. Empty or
 * null: anywhere. An allow-all range (0.0.0.0/0, ::/0) is refused: it would read as a restriction.
 */
export const allowedIpsSchema = z
  .union([
    z.array(z.string(), { error: 'Give a list of IP addresses or CIDR ranges.' }).max(MAX_ALLOWED_IPS, {
      error: `At most ${MAX_ALLOWED_IPS} entries.`,
    }),
    z.null(),
  ])
  .optional()
  .transform((list, ctx): string[] | null | undefined => {
    if (list === undefined || list === null) return list;
    const out: string[] = [];
    list.forEach((entry, i) => {
      const result = normaliseAllowedIp(entry);
      if (!result.ok) ctx.addIssue({ code: 'custom', path: [i], message: result.message });
      else if (!out.includes(result.value)) out.push(result.value);
    });
    return out.length ? out : null;
  });

export const MAX_RATE_LIMIT_PER_MINUTE = 100_000;
/** Requests a minute across every instance; null: no limit. */
export const rateLimitSchema = z
  .union([
    z
      .number({ error: 'Enter a whole number of requests a minute, or null for no limit.' })
      .int('Enter a whole number of requests a minute.')
      .min(1, 'At least 1 request a minute (null: no limit).')
      .max(MAX_RATE_LIMIT_PER_MINUTE, `At most ${MAX_RATE_LIMIT_PER_MINUTE} requests a minute.`),
    z.null(),
  ])
  .optional()
  .meta({
    description:
      'Requests a minute across all instances; null: no limit. Stored and shown now; enforced (429 rate_limited) once the shared rate limiter is in place.',
  });

export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 60 * 60;
/** The regenerate request: how long the old secret keeps working next to the new one. */
export const regenerateApiKeySchema = z.strictObject({
  grace_period_seconds: z
    .number({ error: 'Give the overlap in seconds.' })
    .int('Give the overlap in whole seconds.')
    .min(0, 'The overlap cannot be negative.')
    .max(MAX_GRACE_PERIOD_SECONDS, 'The overlap can be at most 7 days (604800 seconds).')
    .default(0),
});
export type RegenerateApiKeyInput = z.output<typeof regenerateApiKeySchema>;

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
  allowed_ips: allowedIpsSchema,
  rate_limit_per_minute: rateLimitSchema,
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
    allowed_ips: allowedIpsSchema,
    rate_limit_per_minute: rateLimitSchema,
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

/**
 * Where the next page of a list starts (keyset paging): the last row's sort value and id, with the
 * query it belongs to and the page number it leads to. Opaque to clients (base64url JSON); it carries
 * no secret, only what the caller has already seen.
 */
export type ListCursor = {
  sort: ApiKeySort;
  order: 'asc' | 'desc';
  status: ApiKeyStatusFilter;
  q: string;
  page: number;
  value: string | null;
  id: string;
};

export function encodeListCursor(cursor: ListCursor): string {
  const { sort, order, status, q, page, value, id } = cursor;
  return Buffer.from(JSON.stringify([sort, order, status, q, page, value, id])).toString('base64url');
}

const cursorTuple = z.tuple([
  z.enum(API_KEY_SORTS),
  z.enum(['asc', 'desc']),
  z.enum(API_KEY_STATUS_FILTERS),
  z.string().max(100),
  z.number().int().min(2),
  z.string().max(200).nullable(),
  z.uuid(),
]);

function decodeListCursor(raw: string): ListCursor | null {
  try {
    const parsed = cursorTuple.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (!parsed.success) return null;
    const [sort, order, status, q, page, value, id] = parsed.data;
    return { sort, order, status, q, page, value, id };
  } catch {
    return null;
  }
}

export const listApiKeysSchema = z
  .object({
    status: z.enum(API_KEY_STATUS_FILTERS).default('all'),
    q: z.string().trim().max(100).default(''),
    sort: z.enum(API_KEY_SORTS).default('created'),
    order: z.enum(['asc', 'desc']).default('desc'),
    page: z.coerce.number().int().min(1).max(100000).default(1),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z
      .string()
      .max(1000)
      .optional()
      .describe(
        'The `next_cursor` of the previous page (keyset paging: every page costs what the first does). ' +
          'Send it with the same status, q, sort and order; `page` is then ignored.',
      )
      .transform((raw, ctx): ListCursor | undefined => {
        if (raw === undefined || raw === '') return undefined;
        const cursor = decodeListCursor(raw);
        if (!cursor) {
          ctx.addIssue({ code: 'custom', message: 'This cursor is not one we issued.' });
          return z.NEVER;
        }
        return cursor;
      }),
  })
  .superRefine((v, ctx) => {
    const c = v.cursor;
    if (c && (c.sort !== v.sort || c.order !== v.order || c.status !== v.status || c.q !== v.q)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message:
          'This cursor belongs to another list (status, q, sort or order changed): start again without it.',
      });
    }
  });
export type ListApiKeysInput = Omit<z.output<typeof listApiKeysSchema>, 'cursor'> & { cursor?: ListCursor };

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
  /** Addresses or CIDR ranges the key may be used from; null: anywhere. */
  allowed_ips: z.array(z.string()).nullable(),
  /** Requests a minute across all instances; null: no limit. */
  rate_limit_per_minute: z.number().int().nullable(),
  /** During a rotation's overlap: the old secret's visible identifier and when it stops working. */
  previous_masked_key: z.string().nullable(),
  previous_key_expires_at: isoDateTime.nullable(),
  /** Set when a secret scanner reported the key leaked (it was revoked at that moment). */
  leaked: z.object({ at: isoDateTime, url: z.string().nullable() }).nullable(),
  /** The key breaks its organisation's key policy (no expiry, or one beyond the maximum lifetime). */
  outside_policy: z.boolean(),
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
  next_cursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` to get the next page; null on the last page.'),
});

/**
 * A key as the product shows it (what lib/services/api-keys.ts returns): never the hash, never the
 * secret. Declared here, below the service, because the HTTP output mapping below takes it.
 */
export type ApiKeyView = {
  id: string;
  organisationId: string;
  kind: ApiKey['kind'];
  name: string;
  description: string;
  visibleId: string;
  status: ApiKey['status'];
  displayStatus: ApiKeyDisplayStatus;
  permissions: Permission[];
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
  allowedIps: string[] | null;
  rateLimitPerMinute: number | null;
  /** A rotation in its overlap: the old secret's visible identifier and when it stops working. */
  rotation: { previousVisibleId: string; endsAt: Date; previousLastUsedAt: Date | null } | null;
  /** Reported leaked by a secret scanner. */
  leak: { at: Date; url: string | null } | null;
  /** The key breaks its organisation's key policy (made before the policy, or by a superadmin). */
  outsidePolicy: boolean;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A key as the HTTP API shows it (parsed by the output schema: unknown fields are dropped). */
export function toApiKeyResponse(view: ApiKeyView): ApiKeyResponse {
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
    allowed_ips: view.allowedIps,
    rate_limit_per_minute: view.rateLimitPerMinute,
    previous_masked_key: view.rotation?.previousVisibleId ?? null,
    previous_key_expires_at: iso(view.rotation?.endsAt ?? null),
    leaked: view.leak ? { at: view.leak.at.toISOString(), url: view.leak.url } : null,
    outside_policy: view.outsidePolicy,
  });
}

export function toCreatedApiKeyResponse(view: ApiKeyView, secret: string): CreatedApiKeyResponse {
  return createdApiKeyResponseSchema.parse({ ...toApiKeyResponse(view), api_key: secret });
}

/** GET /crm/api-keys/{id}/rotation: which secret callers use while both work. */
export const rotationResponseSchema = z.object({
  rotating: z.boolean().meta({ description: 'Whether a rotation overlap is running now.' }),
  previous_masked_key: z.string().nullable(),
  previous_key_expires_at: isoDateTime.nullable(),
  last_hour: z
    .object({ current_secret: z.number().int(), previous_secret: z.number().int() })
    .nullable()
    .meta({ description: 'Requests in the current and the previous clock hour, per secret.' }),
  previous_key_last_used: isoDateTime.nullable(),
});

export function rotationOutput(
  usage: {
    endsAt: Date;
    previousVisibleId: string;
    lastHour: { current: number; previous: number };
    previousLastUsedAt: Date | null;
  } | null,
) {
  return rotationResponseSchema.parse({
    rotating: usage !== null,
    previous_masked_key: usage?.previousVisibleId ?? null,
    previous_key_expires_at: iso(usage?.endsAt ?? null),
    last_hour: usage
      ? { current_secret: usage.lastHour.current, previous_secret: usage.lastHour.previous }
      : null,
    previous_key_last_used: iso(usage?.previousLastUsedAt ?? null),
  });
}
