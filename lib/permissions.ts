/**
 * THE permission catalogue. Every permission grid, check, schema and document reads from here.
 *
 * A permission is "<resource>:read", "<resource>:write" or "admin". Write never implies read:
 * a key that may create customers cannot list them unless it also holds customers:read.
 * "admin" holds every permission, key management included.
 */
export const RESOURCES = [
  { id: 'customers', label: 'Customers', description: 'Customer accounts' },
  { id: 'contacts', label: 'Contacts', description: 'People at customers' },
  { id: 'leads', label: 'Leads', description: 'Sales leads' },
  { id: 'calls', label: 'Calls', description: 'Call records' },
  { id: 'services', label: 'Services', description: 'Services sold to customers' },
  { id: 'inventory', label: 'Inventory', description: 'Stock and equipment' },
  { id: 'provisioning', label: 'Provisioning', description: 'Service activation' },
  { id: 'agents', label: 'Agents', description: 'Agents and teams' },
  { id: 'knowledge_base', label: 'Knowledge base', description: 'Articles and answers' },
  { id: 'integrations', label: 'Integrations', description: 'Connected systems' },
  { id: 'webhooks', label: 'Webhooks', description: 'Event subscriptions' },
  { id: 'analytics', label: 'Analytics', description: 'Reports and counts', readOnly: true },
  { id: 'api_keys', label: 'API keys', description: 'Manage API keys' },
] as const satisfies readonly { id: string; label: string; description: string; readOnly?: boolean }[];

export type Resource = (typeof RESOURCES)[number]['id'];
export type Access = 'read' | 'write';
export type ResourcePermission = `${Resource}:${Access}`;
export const ADMIN_PERMISSION = 'admin' as const;
export type Permission = ResourcePermission | typeof ADMIN_PERMISSION;

export const RESOURCE_IDS = RESOURCES.map((r) => r.id) as Resource[];

function isReadOnly(resource: Resource): boolean {
  const entry = RESOURCES.find((r) => r.id === resource);
  return Boolean(entry && 'readOnly' in entry && entry.readOnly);
}

/** Every permission that exists, in catalogue order ("analytics:write" does not exist). */
export const ALL_PERMISSIONS: Permission[] = [
  ADMIN_PERMISSION,
  ...RESOURCE_IDS.flatMap((r): ResourcePermission[] =>
    isReadOnly(r) ? [`${r}:read`] : [`${r}:read`, `${r}:write`],
  ),
];

const PERMISSION_SET = new Set<string>(ALL_PERMISSIONS);

export function isPermission(value: string): value is Permission {
  return PERMISSION_SET.has(value);
}

export function permission(resource: Resource, access: Access): ResourcePermission {
  return `${resource}:${access}`;
}

/**
 * Each resource's name for one record, for the aliases below. A Record over Resource: a new catalogue
 * resource does not compile until it has one.
 */
const SINGULAR: Record<Resource, string> = {
  customers: 'customer',
  contacts: 'contact',
  leads: 'lead',
  calls: 'call',
  services: 'service',
  inventory: 'inventory_item',
  provisioning: 'provisioning_request',
  agents: 'agent',
  knowledge_base: 'knowledge_base_article',
  integrations: 'integration',
  webhooks: 'webhook',
  analytics: 'analytic',
  api_keys: 'api_key',
};

/**
 * Permission names of the published (OmniCRM-style) request format, accepted on input only and
 * deprecated: view_<resource> is <resource>:read; create_, update_ and delete_<resource> are
 * <resource>:write; the resource plural (catalogue id) or singular. Responses, lists and the UI always
 * show the canonical names. A read-only resource has no write aliases ("create_analytics" is unknown).
 */
export const PERMISSION_ALIASES: ReadonlyMap<string, Permission> = new Map(
  RESOURCE_IDS.flatMap((r) =>
    [...new Set([r, SINGULAR[r]])].flatMap((name): [string, Permission][] => [
      [`view_${name}`, `${r}:read`],
      ...(isReadOnly(r)
        ? []
        : (['create', 'update', 'delete'] as const).map((verb): [string, Permission] => [
            `${verb}_${name}`,
            `${r}:write`,
          ])),
    ]),
  ),
);

/** A permission name as given (canonical or a deprecated alias) → the canonical permission; null if unknown. */
export function resolvePermission(value: string): Permission | null {
  return isPermission(value) ? value : (PERMISSION_ALIASES.get(value) ?? null);
}

/** Read for GET/HEAD, write for everything that changes state. */
export function accessForMethod(method: string): Access {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write';
}

export function hasPermission(held: readonly string[], needed: Permission): boolean {
  return held.includes(ADMIN_PERMISSION) || held.includes(needed);
}

/**
 * Whether a holder of `held` may grant `wanted` to a new key: a key never gets more than its creator.
 * Admin holders may grant anything.
 */
export function canGrant(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((p) => hasPermission(held, p as Permission));
}

/** Sorted, de-duplicated, catalogue order; "admin" swallows the rest. */
export function normalisePermissions(list: readonly string[]): Permission[] {
  if (list.includes(ADMIN_PERMISSION)) return [ADMIN_PERMISSION];
  const wanted = new Set(list);
  return ALL_PERMISSIONS.filter((p) => p !== ADMIN_PERMISSION && wanted.has(p));
}

/** "Admin (all permissions)", "Customers: read, write · Leads: read", … for lists and tables. */
export function summarisePermissions(list: readonly string[]): string {
  if (list.includes(ADMIN_PERMISSION)) return 'Admin (all permissions)';
  const parts: string[] = [];
  for (const r of RESOURCES) {
    const access = (['read', 'write'] as const).filter((a) => list.includes(`${r.id}:${a}`));
    if (access.length) parts.push(`${r.label}: ${access.join(', ')}`);
  }
  return parts.join(' · ') || 'None';
}
