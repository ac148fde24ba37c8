/**
 * THE access policy: every "may this actor …?" decision of the application, as named pure functions.
 * Services, route handlers, server actions, pages and the proxy ask here; nothing else compares roles,
 * organisations or tenants. docs/access.md states the same rules as a table.
 *
 * Actors: a signed-in user (role user < admin < superadmin), an API key (integration or personal; a
 * personal key acts with its user's current role), or the system itself (migrations, seed, workers).
 *
 * THE RULES
 *  1. Key management at all: users need the admin or superadmin role; keys need api_keys:read to see
 *     and api_keys:write to change (admin holds both). A session cookie on /crm/api-keys is an admin's.
 *  2. Reach ("could have created it"): an actor may list, see, change, regenerate, disable, enable,
 *     revoke or delete a key only if it could have created that key:
 *       - superadmins (and the system) reach every key;
 *       - an organisation admin reaches only keys of their own organisation whose allowed tenants are
 *         exactly their own organisation (never "all tenants", never a list naming another one);
 *       - a key reaches keys of its own organisation that reach no tenant it cannot reach ("all
 *         tenants" keys only from an "all tenants" key), that hold no permission it does not hold, and,
 *         when the acting key expires, that expire no later than it does.
 *     Out of reach is "not found" (404): an actor learns nothing about keys it may not see.
 *  3. Granting: a new or changed key must stay within the same reach: permissions only what a key
 *     actor holds (users with admin may grant any); tenants only those the actor reaches ("all" for
 *     superadmins and "all tenants" keys); owned by the actor's organisation (superadmins may pick one).
 *  4. Expiry: a key actor that expires never creates or extends a key past its own expiry: no expiry
 *     or a later one is refused (422 naming expiry_date), never silently capped.
 *  5. Roles are ordered user < admin < superadmin. Nobody clears the personal key of, disables, changes
 *     or switches off the webhooks of a user of a higher role; admins act only within their
 *     organisation, superadmins everywhere; everyone manages their own personal key.
 *  6. Personal keys: admins may always hold one; users only while their organisation allows API access
 *     for non-admins. Only a signed-in user (not a key) turns their own key on, regenerates or clears it.
 *  7. The audit log (read and export): admins their organisation's events, superadmins everyone's.
 *  8. Organisation settings: that organisation's admins, superadmins, and keys of that organisation
 *     holding admin.
 *  9. Webhooks: the key that registered one manages it; a signed-in user the webhooks of their own
 *     personal key; an admin those of keys and users they reach under rules 2 and 5. A webhook
 *     receives events about API keys only about keys its key could see under rule 2.
 * 10. Writes authenticated by a session cookie must come from this site: Sec-Fetch-Site same-origin,
 *     or an Origin equal to the app's origin. No Origin at all is refused. GET and HEAD are exempt.
 * 11. After sign-in, only same-origin paths are followed; anything else goes to the default page.
 */
import { AppError } from '@/lib/errors';
import {
  ADMIN_PERMISSION,
  ALL_PERMISSIONS,
  canGrant,
  hasPermission,
  type Permission,
} from '@/lib/permissions';
import type { Actor } from '@/lib/actor';
import { addressAllowed } from '@/lib/keys/allowed-ips';
import type { KeyScope, OrganisationScope } from '@/db/queries/api-keys';

export type { KeyScope, OrganisationScope };

type UserRole = 'user' | 'admin' | 'superadmin';
type UserActor = Extract<Actor, { type: 'user' }>;
type KeyActor = Extract<Actor, { type: 'key' }>;

// ---------------------------------------------------------------------------------------------
// Roles

const ROLE_RANK: Record<UserRole, number> = { user: 0, admin: 1, superadmin: 2 };

/** Whether a role is at least another one in the order user < admin < superadmin. */
export function roleAtLeast(role: UserRole, minimum: UserRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

/** Admins and superadmins: the people who may open the admin pages. */
export function isAdminRole(role: UserRole): boolean {
  return roleAtLeast(role, 'admin');
}

export function isSuperadminRole(role: UserRole): boolean {
  return role === 'superadmin';
}

/** Superadmins and the system reach every organisation. */
export function isSuperadmin(actor: Actor): boolean {
  return actor.type === 'system' || (actor.type === 'user' && actor.role === 'superadmin');
}

// ---------------------------------------------------------------------------------------------
// Tenants

/** Who may reach which tenants: a key's or a user's allowed tenants. */
export type TenantScope = { allTenants: boolean; tenantIds: readonly string[] };

export function canReachTenant(scope: TenantScope, tenantId: string): boolean {
  return scope.allTenants || scope.tenantIds.some((t) => t.toLowerCase() === tenantId.toLowerCase());
}

/** The tenants a signed-in user's session reaches: superadmins every one, others their organisation. */
export function tenantScopeOfUser(user: { role: UserRole; organisationId: string }): TenantScope {
  return { allTenants: user.role === 'superadmin', tenantIds: [user.organisationId] };
}

// ---------------------------------------------------------------------------------------------
// Organisation scope (lists of things that belong to organisations: audit events, personal keys, usage)

/** The organisations whose records the actor may see: superadmins all, everyone else their own. */
export function organisationScope(actor: Actor): OrganisationScope {
  if (isSuperadmin(actor)) return { all: true };
  if (actor.type === 'system') return { all: true };
  return { all: false, organisationIds: [actor.organisationId] };
}

export function organisationInScope(scope: OrganisationScope, organisationId: string): boolean {
  return scope.all || scope.organisationIds.includes(organisationId);
}

// ---------------------------------------------------------------------------------------------
// Integration keys: rule 1 (management at all) and rule 2 (reach)

/** Rule 1: whether the actor may see (read) or change (write) integration keys at all. */
export function assertCanManageKeys(actor: Actor, access: 'read' | 'write'): void {
  if (actor.type === 'system') return;
  if (actor.type === 'user') {
    if (isAdminRole(actor.role)) return;
    throw new AppError('forbidden', 'Only admins can manage API keys.');
  }
  const needed: Permission = `api_keys:${access}`;
  if (!hasPermission(actor.permissions, needed)) {
    throw new AppError('permission_denied', `This key needs the ${needed} permission.`);
  }
}

/** Whether a key holding `held` may do what `needed` allows (admin holds every permission). */
export function holdsPermission(held: readonly string[], needed: Permission): boolean {
  return hasPermission(held, needed);
}

/** A key's permission check: `needed` must be held (admin holds every permission). */
export function assertHoldsPermission(held: readonly string[], needed: Permission, message?: string): void {
  if (!hasPermission(held, needed)) {
    throw new AppError('permission_denied', message ?? `This key needs the ${needed} permission.`);
  }
}

/** Rule 1 for sessions: a session cookie may manage keys over HTTP only for an admin or superadmin. */
export function maySessionManageKeys(user: { role: UserRole }): boolean {
  return isAdminRole(user.role);
}

/**
 * Rule 2 as data: `keyScope(actor)` is the set of keys an actor reaches (type KeyScope in
 * db/queries/api-keys.ts). The list query turns it into SQL and `keyInScope` checks one loaded key
 * with it, so the list and every single-key operation apply the same rule.
 */
/** The facts about a key that reach depends on. */
export type KeyFacts = {
  organisationId: string;
  allTenants: boolean;
  tenantIds: readonly string[];
  permissions: readonly string[];
  expiresAt: Date | null;
};

export function keyScope(actor: Actor): KeyScope {
  if (isSuperadmin(actor)) {
    return { organisationIds: 'all', tenantIds: 'any', permissions: 'any', expiresNoLaterThan: null };
  }
  if (actor.type === 'user') {
    // An organisation admin: keys of their organisation that reach exactly their organisation.
    return {
      organisationIds: [actor.organisationId],
      tenantIds: 'own',
      permissions: 'any',
      expiresNoLaterThan: null,
    };
  }
  const key = actor as KeyActor;
  // A key whose only tenant is its own organisation reaches what an organisation admin reaches:
  // 'own' says the same as [its organisation] for keys of that organisation, as one indexed column.
  const ownOnly = key.tenantIds.length === 1 && key.tenantIds[0] === key.organisationId;
  return {
    organisationIds: [key.organisationId],
    tenantIds: key.allTenants ? 'any' : ownOnly ? 'own' : [...key.tenantIds],
    permissions: hasPermission(key.permissions, ADMIN_PERMISSION) ? 'any' : [...key.permissions],
    expiresNoLaterThan: key.expiresAt ?? null,
  };
}

/** Whether a key lies within a scope (rule 2), the same test the SQL of `keyScope` makes. */
export function keyInScope(scope: KeyScope, key: KeyFacts): boolean {
  if (scope.organisationIds !== 'all' && !scope.organisationIds.includes(key.organisationId)) return false;
  if (scope.tenantIds !== 'any') {
    const reach = scope.tenantIds === 'own' ? [key.organisationId] : scope.tenantIds;
    if (key.allTenants || key.tenantIds.some((t) => !reach.includes(t))) return false;
  }
  if (scope.permissions !== 'any' && !canGrant(scope.permissions, key.permissions)) return false;
  if (scope.expiresNoLaterThan) {
    if (!key.expiresAt || key.expiresAt.getTime() > scope.expiresNoLaterThan.getTime()) return false;
  }
  return true;
}

/** Rule 2: may this actor see (and list) this key? */
export function canSeeKey(actor: Actor, key: KeyFacts): boolean {
  if (actor.type !== 'system') {
    try {
      assertCanManageKeys(actor, 'read');
    } catch {
      return false;
    }
  }
  return keyInScope(keyScope(actor), key);
}

/**
 * Rule 2 for webhooks about keys (entity api_key): events about a key come from the organisation that
 * owns it, so a subscription is only worth having in an organisation whose keys the actor may see.
 */
export function canSeeKeysOfOrganisation(actor: Actor, organisationId: string): boolean {
  const scope = keyScope(actor);
  return scope.organisationIds === 'all' || scope.organisationIds.includes(organisationId);
}

/**
 * Rule 2 for webhooks about keys: a subscriber (the key that registered the webhook, acting as it
 * does today) receives an event about a key only if it could see that key over the API — read
 * access to keys, and the key within its reach. Asked when the event is queued and before each send.
 */
export function mayReceiveKeyEvent(subscriber: Actor, key: KeyFacts): boolean {
  return canSeeKey(subscriber, key);
}

/**
 * Rule 2: may this actor change, regenerate, disable, enable, revoke or delete this key? The same
 * reach as seeing it, with write access to keys.
 */
export function canChangeKey(actor: Actor, key: KeyFacts): boolean {
  if (actor.type !== 'system') {
    try {
      assertCanManageKeys(actor, 'write');
    } catch {
      return false;
    }
  }
  return keyInScope(keyScope(actor), key);
}

// ---------------------------------------------------------------------------------------------
// Granting: rules 3 and 4

/** The organisation a new key belongs to: the actor's own; a superadmin may name another. */
export function owningOrganisationForNewKey(actor: Actor, requested: string | undefined): string {
  if (actor.type === 'system') {
    if (!requested) {
      throw new AppError('validation_failed', undefined, { organisation_id: ['Choose an organisation.'] });
    }
    return requested;
  }
  if (!requested || requested === actor.organisationId) return actor.organisationId;
  if (isSuperadmin(actor)) return requested;
  throw new AppError('forbidden', 'You can only create keys in your own organisation.', {
    organisation_id: ['You can only create keys in your own organisation.'],
  });
}

/** Rule 3: the permissions a key actor may put on a key (users with key management: any). */
export function assertMayGrantPermissions(actor: Actor, permissions: readonly string[]): void {
  if (actor.type === 'key' && !canGrant(actor.permissions, permissions)) {
    throw new AppError('forbidden', 'A key cannot grant more permissions than it holds.', {
      permissions: ['A key cannot grant more permissions than it holds.'],
    });
  }
}

/** Rule 3: the allowed tenants an actor may put on a key. (Whether the organisations exist is the service's.) */
export function assertMayGrantTenants(actor: Actor, tenants: 'all' | readonly string[]): void {
  if (tenants === 'all') {
    if (isSuperadmin(actor) || (actor.type === 'key' && actor.allTenants)) return;
    throw new AppError('forbidden', 'Only superadmins can create keys for all tenants.', {
      tenants: ['Only superadmins can choose "All tenants".'],
    });
  }
  if (isSuperadmin(actor)) return;
  if (actor.type === 'user') {
    if (tenants.some((t) => t !== actor.organisationId)) {
      throw new AppError('forbidden', 'You can only give access to your own organisation.', {
        tenants: ['You can only choose your own organisation.'],
      });
    }
    return;
  }
  if (actor.type === 'key' && !canReachAll(actor, tenants)) {
    throw new AppError('forbidden', 'A key cannot grant tenants it cannot reach itself.', {
      tenants: ['A key cannot grant tenants it cannot reach itself.'],
    });
  }
}

function canReachAll(scope: TenantScope, tenants: readonly string[]): boolean {
  return tenants.every((t) => canReachTenant(scope, t));
}

/**
 * Rule 4: a key actor that expires never creates or extends a key past its own expiry. Refused
 * (422 on expiry_date) rather than capped, so a script never holds a key that ends sooner than it asked.
 */
export function assertMayGrantExpiry(actor: Actor, expiresAt: Date | null): void {
  if (actor.type !== 'key' || !actor.expiresAt) return;
  const limit = actor.expiresAt;
  if (!expiresAt || expiresAt.getTime() > limit.getTime()) {
    const message = `This key expires at ${limit.toISOString()}: a key it creates or changes must expire by then.`;
    throw new AppError('validation_failed', 'Invalid fields: expiry_date.', { expiry_date: [message] });
  }
}

/** Rules 3 and 4 together: could this actor create a key that looks like this? */
export function assertMayGrantKey(
  actor: Actor,
  key: { permissions: readonly string[]; tenants: 'all' | readonly string[]; expiresAt: Date | null },
): void {
  assertMayGrantPermissions(actor, key.permissions);
  assertMayGrantTenants(actor, key.tenants);
  assertMayGrantExpiry(actor, key.expiresAt);
}

/**
 * The tenants a new key reaches when its request names none: the organisation it is created in, for a
 * person (an organisation admin's own; a superadmin's own unless they chose another); the one tenant
 * of a calling one-tenant key. null: the calling key reaches several tenants (or all), so the request
 * must name them.
 */
export function defaultKeyTenants(actor: Actor, organisationId: string): string[] | null {
  if (actor.type !== 'key') return [organisationId];
  if (actor.allTenants || actor.tenantIds.length !== 1) return null;
  return [actor.tenantIds[0]];
}

/** Whether the key form may offer "All tenants" and other organisations to this user. */
export function mayChooseAnyTenant(user: { role: UserRole }): boolean {
  return isSuperadminRole(user.role);
}

// ---------------------------------------------------------------------------------------------
// Users and their personal keys: rules 5 and 6

/** The facts about a user that managing them depends on. */
export type UserFacts = { id: string; organisationId: string; role: UserRole };

/**
 * Rule 5: may this actor manage another user (clear their personal key, switch off its webhooks, see
 * it)? Admins within their organisation, superadmins everywhere; never a user of a higher role.
 */
export function canManageUser(actor: Actor, target: UserFacts): boolean {
  if (actor.type === 'system') return true;
  if (actor.type !== 'user') return false;
  if (actor.userId === target.id) return true;
  if (!isAdminRole(actor.role)) return false;
  if (!roleAtLeast(actor.role, target.role)) return false;
  return actor.role === 'superadmin' || actor.organisationId === target.organisationId;
}

/** Rule 5: may this actor see other users' personal keys at all (the API management pages)? */
export function canSeeUsersPersonalKeys(actor: Actor): boolean {
  return actor.type === 'system' || (actor.type === 'user' && isAdminRole(actor.role));
}

/** Rule 6: only a signed-in user manages their own personal key (a key never makes or changes one). */
export function assertIsSignedInUser(actor: Actor): UserActor {
  if (actor.type !== 'user') throw new AppError('forbidden', 'Personal keys are managed by their user.');
  return actor;
}

/** Rule 6: admins always have API access; users only while their organisation allows it. */
export function mayHavePersonalKey(role: UserRole, organisationAllowsNonAdminApi: boolean): boolean {
  return isAdminRole(role) || organisationAllowsNonAdminApi;
}

/** Rule 6, as a personal key is checked at each request: refused for a user when the switch is off. */
export function personalKeyAllowed(
  owner: { role: UserRole },
  organisationAllowsNonAdminApi: boolean,
): boolean {
  return mayHavePersonalKey(owner.role, organisationAllowsNonAdminApi);
}

/**
 * What a personal key may do: it acts as its user, so the user's role decides, at every request.
 * Admins hold everything; users hold the CRM resources but not key management or integrations.
 */
export function permissionsForRole(role: UserRole): Permission[] {
  if (isAdminRole(role)) return [ADMIN_PERMISSION];
  return ALL_PERMISSIONS.filter(
    (p) => p !== ADMIN_PERMISSION && !p.startsWith('api_keys:') && !p.startsWith('integrations:'),
  );
}

/** A personal key acts as its user: superadmins reach every tenant, everyone else their organisation. */
export function tenantScopeOfPersonalKey(owner: { role: UserRole }, organisationId: string): TenantScope {
  return tenantScopeOfUser({ role: owner.role, organisationId });
}

// ---------------------------------------------------------------------------------------------
// Audit log (rule 7) and organisation settings (rule 8)

/** Rule 7: may this actor read and export the audit log (of `organisationScope(actor)`)? */
export function canReadAuditLog(actor: Actor): boolean {
  return actor.type === 'system' || (actor.type === 'user' && isAdminRole(actor.role));
}

export function assertCanReadAudit(actor: Actor): void {
  if (!canReadAuditLog(actor)) throw new AppError('forbidden', 'Only admins can read the audit log.');
}

/** Rule 8: may this actor change (and read) this organisation's settings? */
export function canChangeOrganisationSettings(actor: Actor, organisationId: string): boolean {
  if (actor.type === 'system') return true;
  if (actor.type === 'user') {
    if (actor.role === 'superadmin') return true;
    return actor.role === 'admin' && actor.organisationId === organisationId;
  }
  return hasPermission(actor.permissions, ADMIN_PERMISSION) && actor.organisationId === organisationId;
}

export function assertCanChangeOrganisationSettings(actor: Actor, organisationId: string): void {
  if (canChangeOrganisationSettings(actor, organisationId)) return;
  if (actor.type === 'key') throw new AppError('permission_denied', 'This key needs the admin permission.');
  throw new AppError('forbidden', "Only admins can change the organisation's settings.");
}

// ---------------------------------------------------------------------------------------------
// Webhooks (rule 9)

/** The facts about a webhook's key (and, for a personal key, its user) that managing it depends on. */
export type WebhookFacts = {
  key: KeyFacts & { id: string; kind: 'integration' | 'personal'; userId: string | null };
  /** The personal key's user; null for an integration key. */
  owner: UserFacts | null;
};

/** Rule 9: may this actor see, pause, play or delete this webhook? */
export function canManageWebhook(actor: Actor, webhook: WebhookFacts): boolean {
  if (actor.type === 'system') return true;
  if (actor.type === 'key') return webhook.key.id === actor.keyId;
  if (webhook.owner) return canManageUser(actor, webhook.owner);
  // An integration key's webhook: whoever reaches the key itself.
  return canChangeKey(actor, webhook.key);
}

/** Rule 9: only a key registers or lists its own webhooks (the web app shows them per key or user). */
export function assertIsKey(actor: Actor, what: string): KeyActor {
  if (actor.type !== 'key') throw new AppError('forbidden', `Webhooks are ${what} with an API key.`);
  return actor;
}

// ---------------------------------------------------------------------------------------------
// Pages (which navigation and admin areas a signed-in user sees)

export function canOpenAdminPages(user: { role: UserRole }): boolean {
  return isAdminRole(user.role);
}

export function canOpenSuperadminPages(user: { role: UserRole }): boolean {
  return isSuperadminRole(user.role);
}

/** Whether lists show every organisation (superadmins) or only the user's own. */
export function seesEveryOrganisation(user: { role: UserRole }): boolean {
  return isSuperadminRole(user.role);
}

// ---------------------------------------------------------------------------------------------
// Requests: rules 10 and 11

/**
 * Rule 10: a write authenticated by a session cookie comes from this site. Sec-Fetch-Site (sent by
 * every current browser, not settable by a page) must be "same-origin" when present; without it the
 * Origin must equal the app's origin. No Origin at all is refused: an old browser or a script with a
 * stolen cookie has no business writing with it. GET and HEAD change nothing and are exempt.
 */
export function isSameOriginSessionRequest(request: {
  method: string;
  origin: string | null;
  secFetchSite: string | null;
  appOrigins: readonly string[];
}): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const site = request.secFetchSite?.toLowerCase() ?? null;
  if (site && site !== 'same-origin') return false;
  if (site === 'same-origin') return true;
  if (!request.origin || request.origin === 'null') return false;
  let origin: string;
  try {
    origin = new URL(request.origin).origin;
  } catch {
    return false;
  }
  return request.appOrigins.some((o) => o === origin);
}

/**
 * Rule 11: where to go after sign-in. Only a path of this very origin is followed (parsed with
 * `new URL(value, origin)`, so "/\\evil.example", "/\t/evil.example" and "//evil.example" resolve to
 * another host and are dropped); anything else, a repeated parameter included, is the default page.
 */
export function safeCallbackPath(value: unknown, origin: string, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * A key with an IP allowlist works only from those addresses (the client address of
 * lib/api/client-address.ts: the socket's, or behind TRUSTED_PROXIES the forwarded one). No allowlist:
 * anywhere. An unknown address never passes an allowlist.
 */
export function assertKeyMayBeUsedFrom(
  key: { allowedIps: readonly string[] | null },
  address: string | null,
): void {
  if (!key.allowedIps || key.allowedIps.length === 0) return;
  if (!addressAllowed(key.allowedIps, address)) {
    throw new AppError(
      'ip_not_allowed',
      `This API key may not be used from ${address ?? 'an unknown address'}.`,
    );
  }
}
