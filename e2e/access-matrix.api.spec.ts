/**
 * THE ACCESS MATRIX: actors × operations × targets → allowed or denied, run against the built app
 * over HTTP — the /crm/api-keys routes and webhooks with keys or session cookies, the admin pages, and
 * the real server actions (POSTed with their Next-Action id from the build's
 * server-reference-manifest.json, their arguments encoded as React encodes a reply).
 *
 * The expected table below is this test's own specification, written by hand from the rules of
 * docs/access.md; it deliberately imports nothing from lib/access, so it checks the policy rather than
 * repeating it. Every allowed cell must succeed; every denied cell must answer 403 or 404 (a server
 * action: a refused state) and change nothing: key and audit counts, and every shared target, are
 * compared before and after the denied cells. Allowed cells that change something get a fresh target
 * each, inserted straight into the database before the app starts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeys, apiKeyTenants, organisations, users, webhooks } from '../db/schema';
import { issueSecret } from '../lib/keys/issue';
import { createAppDatabase, startApp, type AppDatabase, type RunningApp } from './app-process';
import { PORTS } from './config';
import { signInOverHttp, type Who } from './helpers/api';

// ------------------------------------------------------------------------------------------------
// The specification

const SESSION_ACTORS = ['superadmin', 'adminA', 'adminB', 'userA', 'userA_noApi'] as const;
const KEY_ACTORS = [
  'kAdminAll', // integration key, admin, all tenants (owned by A)
  'kAdminA', // integration key, admin, tenant A
  'kKeysA', // api_keys:read+write (+customers:read), tenant A
  'kKeysAB', // api_keys:read+write (+customers:read), tenants A and B (owned by A)
  'kCustRead', // customers:read, tenant A
  'kExpiring', // api_keys:read+write (+customers:read), tenant A, expires tomorrow
  'pkUser', // personal key of a user of A
  'pkAdmin', // personal key of the admin of A
  'pkSuper', // personal key of the superadmin (lives in A)
] as const;
type SessionActor = (typeof SESSION_ACTORS)[number];
type KeyActor = (typeof KEY_ACTORS)[number];
type Actor = SessionActor | KeyActor;

/** Integration keys as targets (all expire in 12 hours, so the expiring actor could have made them). */
const KEY_TARGETS = ['keyA', 'keyB', 'keyAll', 'keyAB', 'keyMore'] as const;
type KeyTarget = (typeof KEY_TARGETS)[number];
/** keyA: customers:read, A (owned by A) · keyB: customers:read, B (owned by B) · keyAll: customers:read, all
 * tenants (owned by A) · keyAB: customers:read, A+B (owned by A) · keyMore: admin, A (owned by A).
 * superKey: a superadmin's personal key (never reachable through /crm/api-keys: personal keys are not
 * integration keys). */
type Target = KeyTarget | 'superKey' | 'userOfA' | 'superadmin2' | 'ownWebhook' | 'self' | 'ownOrganisation';

/** Which integration keys each actor may list, see, change, regenerate, disable, enable, revoke, delete. */
const REACHES: Record<Actor, readonly KeyTarget[]> = {
  superadmin: ['keyA', 'keyB', 'keyAll', 'keyAB', 'keyMore'],
  adminA: ['keyA', 'keyMore'],
  adminB: ['keyB'],
  userA: [],
  userA_noApi: [],
  kAdminAll: ['keyA', 'keyAll', 'keyAB', 'keyMore'],
  kAdminA: ['keyA', 'keyMore'],
  kKeysA: ['keyA'],
  kKeysAB: ['keyA', 'keyAB'],
  kCustRead: [],
  kExpiring: ['keyA'],
  pkUser: [],
  pkAdmin: ['keyA', 'keyMore'],
  pkSuper: ['keyA', 'keyAll', 'keyAB', 'keyMore'],
};

/** Which key shapes (permissions and tenants of the target, expiring in 12 h) each actor may create. */
const CREATES: Record<Actor, readonly KeyTarget[]> = {
  superadmin: ['keyA', 'keyB', 'keyAll', 'keyAB', 'keyMore'],
  adminA: ['keyA', 'keyMore'],
  adminB: ['keyB'],
  userA: [],
  userA_noApi: [],
  kAdminAll: ['keyA', 'keyB', 'keyAll', 'keyAB', 'keyMore'],
  kAdminA: ['keyA', 'keyMore'],
  kKeysA: ['keyA'],
  kKeysAB: ['keyA', 'keyB', 'keyAB'],
  kCustRead: [],
  kExpiring: ['keyA'],
  pkUser: [],
  pkAdmin: ['keyA', 'keyMore'],
  pkSuper: ['keyA', 'keyB', 'keyAll', 'keyAB', 'keyMore'],
};

/** Whose personal key each admin may clear, and whose webhooks (on a personal or integration key) switch off. */
const CLEARS: Record<SessionActor, readonly Target[]> = {
  superadmin: ['userOfA', 'superadmin2'],
  adminA: ['userOfA'],
  adminB: [],
  userA: [],
  userA_noApi: [],
};
const PAUSES_WEBHOOK_OF: Record<SessionActor, readonly Target[]> = {
  superadmin: ['userOfA', 'superadmin2', 'keyA', 'keyAll'],
  adminA: ['userOfA', 'keyA'],
  adminB: [],
  userA: [],
  userA_noApi: [],
};
/** Key actors manage only the webhooks they registered, and only holding webhooks:read/write. */
const MANAGES_OWN_WEBHOOKS: readonly KeyActor[] = ['kAdminAll', 'kAdminA', 'pkUser', 'pkAdmin', 'pkSuper'];
/** The audit log (page and CSV export), the organisation switch: admins and superadmins. */
const ADMINS: readonly SessionActor[] = ['superadmin', 'adminA', 'adminB'];

const KEY_OPS = [
  'list',
  'get',
  'usage',
  'patch',
  'regenerate',
  'disable',
  'enable',
  'revoke',
  'delete',
] as const;
const MUTATING_KEY_OPS = new Set(['patch', 'regenerate', 'disable', 'enable', 'revoke', 'delete']);
const KEY_ACTIONS = ['update', 'regenerate', 'disable', 'enable', 'revoke', 'delete'] as const;

type Cell = {
  actor: Actor;
  op: string;
  target: Target;
  allowed: boolean;
  /** Changes something when allowed: gets a fresh target. */
  mutates: boolean;
};

function buildCells(): Cell[] {
  const cells: Cell[] = [];
  const add = (actor: Actor, op: string, target: Target, allowed: boolean, mutates: boolean) =>
    cells.push({ actor, op, target, allowed, mutates });
  const all: Actor[] = [...SESSION_ACTORS, ...KEY_ACTORS];
  for (const actor of all) {
    // Every /crm/api-keys route, with a key or a session cookie.
    for (const target of [...KEY_TARGETS, 'superKey'] as const) {
      const reach = target !== 'superKey' && REACHES[actor].includes(target);
      for (const op of KEY_OPS) add(actor, `http:${op}`, target, reach, MUTATING_KEY_OPS.has(op));
    }
    for (const target of KEY_TARGETS)
      add(actor, 'http:create', target, CREATES[actor].includes(target), true);
  }
  for (const actor of SESSION_ACTORS) {
    // Every server action of app/**/actions.ts and components/**/actions.ts.
    for (const target of [...KEY_TARGETS, 'superKey'] as const) {
      const reach = target !== 'superKey' && REACHES[actor].includes(target);
      for (const op of KEY_ACTIONS) add(actor, `action:${op}`, target, reach, true);
    }
    for (const target of KEY_TARGETS)
      add(actor, 'action:create', target, CREATES[actor].includes(target), true);
    for (const target of ['userOfA', 'superadmin2'] as const) {
      add(actor, 'action:clear-user-key', target, CLEARS[actor].includes(target), true);
    }
    for (const target of ['userOfA', 'superadmin2', 'keyA', 'keyAll'] as const) {
      add(actor, 'action:pause-webhook', target, PAUSES_WEBHOOK_OF[actor].includes(target), true);
    }
    add(actor, 'action:organisation-switch', 'ownOrganisation', ADMINS.includes(actor), false);
    add(actor, 'page:audit-log', 'ownOrganisation', ADMINS.includes(actor), false);
    add(actor, 'http:audit-export', 'ownOrganisation', ADMINS.includes(actor), false);
  }
  for (const actor of KEY_ACTORS) {
    for (const target of ['ownWebhook', 'userOfA', 'superadmin2'] as const) {
      const own = target === 'ownWebhook' && MANAGES_OWN_WEBHOOKS.includes(actor);
      add(actor, 'http:webhook-get', target, own, false);
      add(actor, 'http:webhook-pause', target, own, true);
    }
  }
  // The personal key toggle of each signed-in user (run last: they change the actors' own keys).
  for (const actor of ['superadmin', 'adminA', 'adminB', 'userA'] as const) {
    for (const op of ['pk-regenerate', 'pk-turn-off', 'pk-turn-on'])
      add(actor, `action:${op}`, 'self', true, true);
  }
  // Without API access for non-admins, a user may still turn their key off, but not on or regenerate it.
  add('userA_noApi', 'action:pk-turn-off', 'self', true, true);
  add('userA_noApi', 'action:pk-turn-on', 'self', false, true);
  add('userA_noApi', 'action:pk-regenerate', 'self', false, true);
  return cells;
}

// ------------------------------------------------------------------------------------------------
// The world, inserted straight into a fresh database before the app starts

const HOUR = 60 * 60 * 1000;
type KeyShape = {
  permissions: string[];
  tenants: 'all' | ('A' | 'B')[];
  owner: 'A' | 'B';
  expiresInMs?: number;
};
const TARGET_SHAPES: Record<KeyTarget, KeyShape> = {
  keyA: { permissions: ['customers:read'], tenants: ['A'], owner: 'A' },
  keyB: { permissions: ['customers:read'], tenants: ['B'], owner: 'B' },
  keyAll: { permissions: ['customers:read'], tenants: 'all', owner: 'A' },
  keyAB: { permissions: ['customers:read'], tenants: ['A', 'B'], owner: 'A' },
  keyMore: { permissions: ['admin'], tenants: ['A'], owner: 'A' },
};
const MANAGER = ['api_keys:read', 'api_keys:write', 'customers:read'];
const KEY_ACTOR_SHAPES: Partial<Record<KeyActor, KeyShape>> = {
  kAdminAll: { permissions: ['admin'], tenants: 'all', owner: 'A' },
  kAdminA: { permissions: ['admin'], tenants: ['A'], owner: 'A' },
  kKeysA: { permissions: MANAGER, tenants: ['A'], owner: 'A' },
  kKeysAB: { permissions: MANAGER, tenants: ['A', 'B'], owner: 'A' },
  kCustRead: { permissions: ['customers:read'], tenants: ['A'], owner: 'A' },
  kExpiring: { permissions: MANAGER, tenants: ['A'], owner: 'A', expiresInMs: 24 * HOUR },
};
const DEMO_LOGINS: Record<SessionActor, Who> = {
  superadmin: 'superadmin',
  adminA: 'admin',
  adminB: 'globexAdmin',
  userA: 'user',
  userA_noApi: 'user',
};

type World = {
  orgA: string;
  orgB: string;
  secrets: Record<KeyActor, string>;
  keyIds: Record<KeyActor, string>;
  /** Per target: the shared instance for denied cells, then fresh ones for allowed cells that change it. */
  keys: Record<KeyTarget | 'superKey', string[]>;
  names: Map<string, string>;
  /** Users whose personal key may be cleared: userOfA (a user of A) and superadmin2 (a superadmin). */
  clearable: Record<'userOfA' | 'superadmin2', string[]>;
  /** Webhooks to pause, by whose key they are on. */
  hooks: Record<'userOfA' | 'superadmin2' | 'keyA' | 'keyAll', string[]>;
  ownHooks: Record<KeyActor, string[]>;
};

async function insertWorld(database: AppDatabase, cells: Cell[]): Promise<World> {
  const need = (op: string, target: string) =>
    cells.filter((c) => c.allowed && c.mutates && c.op.endsWith(op) && c.target === target).length;
  const handle = database.open();
  try {
    await handle.ready;
    const db = handle.db;
    const [acme] = await db.select().from(organisations).where(eq(organisations.slug, 'acme'));
    const [globex] = await db.select().from(organisations).where(eq(organisations.slug, 'globex'));
    await db.update(organisations).set({ apiAccessForNonAdmins: true }).where(eq(organisations.id, acme.id));
    const org = (o: 'A' | 'B') => (o === 'A' ? acme.id : globex.id);
    const demo = await db.select().from(users);
    const userId = (email: string) => demo.find((u) => u.email === email)!.id;
    const names = new Map<string, string>();
    let n = 0;

    // Rows are built here and written in a few multi-row inserts at the end (PGlite is slow per statement).
    const userRows: (typeof users.$inferInsert)[] = [];
    const keyRows: (typeof apiKeys.$inferInsert)[] = [];
    const tenantRows: (typeof apiKeyTenants.$inferInsert)[] = [];
    const hookRows: (typeof webhooks.$inferInsert)[] = [];

    function insertKey(shape: KeyShape, label: string, expiresInMs = shape.expiresInMs ?? 12 * HOUR) {
      const { secret, columns } = issueSecret('integration');
      const id = randomUUID();
      const name = `matrix ${label} ${++n}`;
      keyRows.push({
        id,
        organisationId: org(shape.owner),
        kind: 'integration',
        name,
        ...columns,
        permissions: shape.permissions,
        allTenants: shape.tenants === 'all',
        expiresAt: new Date(Date.now() + expiresInMs),
      });
      if (shape.tenants !== 'all') {
        for (const t of shape.tenants) tenantRows.push({ apiKeyId: id, organisationId: org(t) });
      }
      names.set(id, name);
      return { id, secret };
    }
    function insertPersonalKey(owner: string, organisationId: string) {
      const { secret, columns } = issueSecret('personal');
      const id = randomUUID();
      keyRows.push({
        id,
        organisationId,
        kind: 'personal',
        userId: owner,
        name: 'Personal key',
        ...columns,
        createdByUserId: owner,
      });
      return { id, secret };
    }
    function insertUser(role: 'user' | 'superadmin', label: string) {
      const id = randomUUID();
      userRows.push({
        id,
        organisationId: acme.id,
        email: `${label}-${++n}@matrix.example`,
        name: label,
        role,
        passwordHash: 'not-a-password',
      });
      const key = insertPersonalKey(id, acme.id);
      return { userId: id, keyId: key.id };
    }
    function insertHook(apiKeyId: string) {
      const id = randomUUID();
      hookRows.push({
        id,
        organisationId: acme.id,
        apiKeyId,
        url: 'http://127.0.0.1:9/hook',
        entity: 'customer',
        operation: 'created',
        signingSecret: 'whsec_matrix',
      });
      return id;
    }

    const secrets = {} as Record<KeyActor, string>;
    const keyIds = {} as Record<KeyActor, string>;
    for (const [actor, shape] of Object.entries(KEY_ACTOR_SHAPES) as [KeyActor, KeyShape][]) {
      const k = insertKey(shape, actor, shape.expiresInMs ?? 10 * 365 * 24 * HOUR);
      secrets[actor] = k.secret;
      keyIds[actor] = k.id;
    }
    for (const [actor, email] of [
      ['pkUser', 'user@acme.example'],
      ['pkAdmin', 'admin@acme.example'],
      ['pkSuper', 'superadmin@acme.example'],
    ] as const) {
      const k = insertPersonalKey(userId(email), acme.id);
      secrets[actor] = k.secret;
      keyIds[actor] = k.id;
    }
    // The Globex admin has a personal key too, for the toggle cells.
    insertPersonalKey(userId('admin@globex.example'), globex.id);

    const keys = {} as World['keys'];
    for (const target of KEY_TARGETS) {
      const count = 1 + countFresh(target);
      keys[target] = [];
      for (let i = 0; i < count; i++) keys[target].push(insertKey(TARGET_SHAPES[target], target).id);
    }
    function countFresh(target: KeyTarget) {
      const keyOps = new Set([...KEY_OPS.map((o) => `http:${o}`), ...KEY_ACTIONS.map((o) => `action:${o}`)]);
      return cells.filter((c) => c.allowed && c.mutates && c.target === target && keyOps.has(c.op)).length;
    }
    const superadmin2 = insertUser('superadmin', 'superadmin2');
    keys.superKey = [superadmin2.keyId];

    const clearable = { userOfA: [] as string[], superadmin2: [superadmin2.userId] };
    const hooks = {
      userOfA: [] as string[],
      superadmin2: [] as string[],
      keyA: [] as string[],
      keyAll: [] as string[],
    };
    const userOfA = insertUser('user', 'user-of-a');
    clearable.userOfA.push(userOfA.userId);
    for (let i = 0; i < need('clear-user-key', 'userOfA'); i++) {
      clearable.userOfA.push(insertUser('user', 'user-of-a').userId);
    }
    for (let i = 0; i < need('clear-user-key', 'superadmin2'); i++) {
      clearable.superadmin2.push(insertUser('superadmin', 'superadmin2').userId);
    }
    const hookKey = {
      userOfA: userOfA.keyId,
      superadmin2: superadmin2.keyId,
      keyA: keys.keyA[0],
      keyAll: keys.keyAll[0],
    };
    for (const target of ['userOfA', 'superadmin2', 'keyA', 'keyAll'] as const) {
      for (let i = 0; i <= need('pause-webhook', target); i++)
        hooks[target].push(insertHook(hookKey[target]));
    }
    const ownHooks = {} as Record<KeyActor, string[]>;
    for (const actor of KEY_ACTORS) {
      ownHooks[actor] = [insertHook(keyIds[actor]), insertHook(keyIds[actor])];
    }
    await db.insert(users).values(userRows);
    for (let i = 0; i < keyRows.length; i += 200) await db.insert(apiKeys).values(keyRows.slice(i, i + 200));
    await db.insert(apiKeyTenants).values(tenantRows);
    await db.insert(webhooks).values(hookRows);
    return { orgA: acme.id, orgB: globex.id, secrets, keyIds, keys, names, clearable, hooks, ownHooks };
  } finally {
    await handle.close();
  }
}

// ------------------------------------------------------------------------------------------------
// Server actions, as the browser calls them

type ActionRef = { id: string; page: string };

/** Action ids and a page that serves each, from the build's manifest. */
function readActions(): Map<string, ActionRef> {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as {
    node: Record<string, { workers: Record<string, unknown>; exportedName: string }>;
  };
  const actions = new Map<string, ActionRef>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers).find((w) => !w.includes('['));
    if (!worker) continue;
    const page =
      worker
        .replace(/^app/, '')
        .replace(/\/\([^)]+\)/g, '')
        .replace(/\/page$/, '') || '/';
    actions.set(entry.exportedName, { id, page });
  }
  return actions;
}

/**
 * Call a server action over HTTP the way React 19 does: `Next-Action: <id>` and the arguments as
 * React's reply encoding in multipart/form-data — a FormData argument as "$K<n>" with its fields
 * under "_<n>_<name>" (React 19.2), then the argument list as JSON in field "0" (last, as React sends it).
 */
async function callAction(
  session: APIRequestContext,
  action: ActionRef,
  args: unknown[],
  form?: Record<string, string | string[]>,
) {
  const multipart = new FormData();
  for (const [name, value] of Object.entries(form ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) multipart.append(`_1_${name}`, v);
  }
  // The argument list comes last, as React sends it: the server parses it as soon as it arrives.
  multipart.set('0', JSON.stringify(args.map((a) => (a === FORM ? '$K1' : a))));
  const res = await session.post(action.page, {
    headers: { 'Next-Action': action.id, Accept: 'text/x-component' },
    multipart,
    maxRedirects: 0,
  });
  const text = await res.text();
  const states = [...text.matchAll(/"status":"(idle|success|invalid|error)"/g)].map((m) => m[1]);
  return { status: res.status(), state: states[0] ?? null, text };
}
const FORM = Symbol('form');
const IDLE = { status: 'idle' };

// ------------------------------------------------------------------------------------------------

test('access matrix: every actor × operation × target is allowed or denied as docs/access.md says', async ({
  playwright,
}, testInfo) => {
  // About a minute and a half per database on an idle machine; generous for a busy CI box.
  test.setTimeout(600_000);
  const mode = testInfo.project.name === 'api:postgres' ? 'postgres' : 'pglite';
  const cells = buildCells();
  const allowedCount = cells.filter((c) => c.allowed).length;
  console.log(
    `[${mode}] access matrix: ${cells.length} cells (${allowedCount} allowed, ${cells.length - allowedCount} denied): ` +
      `${SESSION_ACTORS.length + KEY_ACTORS.length} actors × ${new Set(cells.map((c) => c.op)).size} operations × ` +
      `${new Set(cells.map((c) => c.target)).size} targets`,
  );

  const started = Date.now();
  const database = await createAppDatabase(mode);
  let app: RunningApp | undefined;
  const sessions = new Map<SessionActor, APIRequestContext>();
  try {
    const world = await insertWorld(database, cells);
    console.log(`[${mode}] world inserted after ${Date.now() - started} ms`);
    const port = PORTS.pglite + 20 + (mode === 'postgres' ? 1 : 0);
    // A server left over on the port would answer the health check for the new one: refuse to start.
    const leftover = await fetch(`http://localhost:${port}/crm/health`).then(
      () => true,
      () => false,
    );
    expect(leftover, `port ${port} is already in use`).toBe(false);
    app = await startApp(port, database.env);
    const base = app.baseURL;
    const actions = readActions();
    const action = (name: string) => {
      const ref = actions.get(name);
      if (!ref) throw new Error(`server action ${name} is not in the build's manifest`);
      return ref;
    };
    for (const actor of ['superadmin', 'adminA', 'adminB', 'userA'] as const) {
      sessions.set(actor, await signInOverHttp(base, DEMO_LOGINS[actor]));
    }
    sessions.set('userA_noApi', sessions.get('userA')!);
    const superadmin = sessions.get('superadmin')!;
    // Key actors send their key and no cookie at all.
    const cookieless = await playwright.request.newContext({ baseURL: base });

    const fresh = {
      keys: Object.fromEntries(Object.entries(world.keys).map(([k, v]) => [k, v.slice(1)])) as Record<
        string,
        string[]
      >,
      clearable: {
        userOfA: world.clearable.userOfA.slice(1),
        superadmin2: world.clearable.superadmin2.slice(1),
      },
      hooks: Object.fromEntries(Object.entries(world.hooks).map(([k, v]) => [k, v.slice(1)])) as Record<
        string,
        string[]
      >,
      ownHooks: Object.fromEntries(Object.entries(world.ownHooks).map(([k, v]) => [k, v.slice(1)])) as Record<
        string,
        string[]
      >,
    };
    const pick = (pool: string[], label: string) => {
      const id = pool.shift();
      if (!id) throw new Error(`no fresh target left for ${label}`);
      return id;
    };
    const keyFor = (cell: Cell) =>
      cell.allowed && cell.mutates
        ? pick(fresh.keys[cell.target], `${cell.actor} ${cell.op}`)
        : world.keys[cell.target as KeyTarget][0];

    /** Run one cell; returns whether it succeeded, or the HTTP status / state of its refusal. */
    async function run(cell: Cell): Promise<{ ok: boolean; detail: string }> {
      const isSession = (SESSION_ACTORS as readonly string[]).includes(cell.actor);
      const session = isSession ? sessions.get(cell.actor as SessionActor)! : undefined;
      const keyHeaders: Record<string, string> = isSession
        ? {}
        : { 'X-API-KEY': world.secrets[cell.actor as KeyActor] };
      const http = async (
        method: string,
        path: string,
        data?: unknown,
        headers: Record<string, string> = {},
      ) => {
        const client = session ?? cookieless;
        const res = await client.fetch(`${base}${path}`, {
          method,
          data,
          headers: { ...keyHeaders, ...headers },
          maxRedirects: 0,
        });
        return res;
      };
      const statusOk = (status: number) => ({ ok: status >= 200 && status < 300, detail: String(status) });
      const [kind, op] = cell.op.split(':');

      if (kind === 'http' && (KEY_OPS as readonly string[]).includes(op)) {
        const id = keyFor(cell);
        switch (op) {
          case 'list': {
            const res = await http(
              'GET',
              `/crm/api-keys?status=all&limit=100&q=${encodeURIComponent(world.names.get(id) ?? id)}`,
            );
            if (res.status() !== 200) return statusOk(res.status());
            const body = (await res.json()) as { data: { api_key_id: string }[] };
            return { ok: body.data.some((k) => k.api_key_id === id), detail: 'listed?' };
          }
          case 'get':
            return statusOk((await http('GET', `/crm/api-keys/${id}`)).status());
          case 'usage':
            return statusOk((await http('GET', `/crm/api-keys/${id}/usage?window=24h`)).status());
          case 'patch':
            return statusOk(
              (
                await http('PATCH', `/crm/api-keys/${id}`, { description: `patched by ${cell.actor}` })
              ).status(),
            );
          case 'delete':
            return statusOk((await http('DELETE', `/crm/api-keys/${id}`)).status());
          default:
            return statusOk((await http('POST', `/crm/api-keys/${id}/${op}`)).status());
        }
      }
      if (cell.op === 'http:create') {
        const shape = TARGET_SHAPES[cell.target as KeyTarget];
        const tenantIds =
          shape.tenants === 'all' ? 'all' : shape.tenants.map((t) => (t === 'A' ? world.orgA : world.orgB));
        const res = await http('POST', '/crm/api-keys', {
          name: `created by ${cell.actor} like ${cell.target} ${Math.random()}`,
          permissions: shape.permissions,
          tenants: tenantIds,
          expiry_date: new Date(Date.now() + 12 * HOUR).toISOString(),
        });
        return statusOk(res.status());
      }
      if (cell.op === 'http:webhook-get' || cell.op === 'http:webhook-pause') {
        const actor = cell.actor as KeyActor;
        const pool =
          cell.target === 'ownWebhook'
            ? cell.allowed && cell.mutates
              ? fresh.ownHooks[actor]
              : world.ownHooks[actor]
            : cell.allowed && cell.mutates
              ? fresh.hooks[cell.target]
              : world.hooks[cell.target as 'userOfA'];
        const id = cell.allowed && cell.mutates ? pick(pool, cell.op) : pool[0];
        const res =
          cell.op === 'http:webhook-get'
            ? await http('GET', `/crm/webhooks/${id}`)
            : await http('PATCH', `/crm/webhooks/${id}`, { status: 'paused' });
        return statusOk(res.status());
      }
      if (cell.op === 'page:audit-log') return statusOk((await http('GET', '/admin/audit-log')).status());
      if (cell.op === 'http:audit-export')
        return statusOk((await http('GET', '/admin/audit-log/export')).status());

      // Server actions.
      const s = session!;
      const result = await (async () => {
        const keyArgs = () => keyFor(cell);
        switch (cell.op) {
          case 'action:create': {
            const shape = TARGET_SHAPES[cell.target as KeyTarget];
            return callAction(s, action('createApiKeyAction'), [IDLE, FORM], {
              name: `action-made by ${cell.actor} like ${cell.target} ${Math.random()}`,
              description: '',
              permissions: shape.permissions,
              tenants_mode: shape.tenants === 'all' ? 'all' : 'list',
              tenants:
                shape.tenants === 'all'
                  ? []
                  : shape.tenants.map((t) => (t === 'A' ? world.orgA : world.orgB)),
              expiry_date: new Date(Date.now() + 2 * 24 * HOUR).toISOString().slice(0, 10),
            });
          }
          case 'action:update':
            return callAction(s, action('updateApiKeyAction'), [keyArgs(), IDLE, FORM], {
              name: `renamed by ${cell.actor} ${Math.random()}`,
              description: 'changed through the action',
              permissions: ['customers:read'],
            });
          case 'action:regenerate':
            return callAction(s, action('regenerateApiKeyAction'), [keyArgs(), 0]);
          case 'action:disable':
            return callAction(s, action('setApiKeyEnabledAction'), [keyArgs(), false, IDLE]);
          case 'action:enable':
            return callAction(s, action('setApiKeyEnabledAction'), [keyArgs(), true, IDLE]);
          case 'action:revoke':
            return callAction(s, action('revokeApiKeyAction'), [keyArgs(), IDLE]);
          case 'action:delete':
            return callAction(s, action('deleteApiKeyAction'), [keyArgs(), 'list', IDLE]);
          case 'action:clear-user-key': {
            const target = cell.target as 'userOfA' | 'superadmin2';
            const userId = cell.allowed ? pick(fresh.clearable[target], cell.op) : world.clearable[target][0];
            return callAction(s, action('clearUserKeyAction'), [IDLE, FORM], { userId });
          }
          case 'action:pause-webhook': {
            const pool = cell.allowed ? fresh.hooks[cell.target] : world.hooks[cell.target as 'keyA'];
            const id = cell.allowed ? pick(pool, cell.op) : pool[0];
            return callAction(s, action('setWebhookStatusAction'), [IDLE, FORM], { id, status: 'paused' });
          }
          case 'action:organisation-switch':
            return callAction(s, action('setApiAccessAction'), [IDLE, FORM], { allowed: 'true' });
          case 'action:pk-regenerate':
            return callAction(s, action('regeneratePersonalKeyAction'), [IDLE, FORM]);
          case 'action:pk-turn-off':
            return callAction(s, action('turnOffPersonalKeyAction'), [IDLE, FORM]);
          case 'action:pk-turn-on':
            return callAction(s, action('turnOnPersonalKeyAction'), [IDLE, FORM]);
          default:
            throw new Error(`unknown operation ${cell.op}`);
        }
      })();
      return {
        ok: result.status === 200 && result.state === 'success',
        detail: `${result.status} ${result.state ?? result.text.slice(0, 200)}`,
      };
    }

    /** What must not move while denied cells run: key and audit counts and every shared target. */
    async function snapshot() {
      const total = (
        (await (await superadmin.get('/crm/api-keys?status=all&limit=1')).json()) as { total: number }
      ).total;
      const audit = (await (await superadmin.get('/admin/audit-log/export')).text()).split('\n').length;
      const shared = [];
      for (const target of KEY_TARGETS) {
        shared.push(await (await superadmin.get(`/crm/api-keys/${world.keys[target][0]}`)).json());
      }
      return { total, audit, shared };
    }

    const failures: string[] = [];
    /** Cells of one phase are independent (each allowed cell has its own target): a few at a time on PostgreSQL. */
    // PGlite serves one statement at a time: concurrent requests only queue (and slowed it down 4×).
    const check = async (list: Cell[], parallel = mode === 'postgres' ? 4 : 1) => {
      const queue = [...list];
      await Promise.all(Array.from({ length: parallel }, () => worker()));
      async function worker() {
        for (let cell = queue.shift(); cell; cell = queue.shift()) await checkOne(cell);
      }
    };
    const checkOne = async (cell: Cell) => {
      const { ok, detail } = await run(cell);
      const where = `${cell.actor} ${cell.op} ${cell.target}`;
      if (ok !== cell.allowed) {
        failures.push(`${where}: expected ${cell.allowed ? 'allowed' : 'denied'}, got ${detail}`);
      } else if (!cell.allowed && /^\d+$/.test(detail) && !['403', '404'].includes(detail)) {
        failures.push(`${where}: denied with ${detail}, not 403/404`);
      }
    };
    const isToggle = (c: Cell) => c.op.startsWith('action:pk-');
    const phase = (c: Cell) => (c.actor === 'userA_noApi' ? 2 : isToggle(c) ? 1 : 0);

    console.log(`[${mode}] app started and signed in after ${Date.now() - started} ms`);
    // 1. Every denied cell (API access on), and nothing changed.
    const before = await snapshot();
    await check(cells.filter((c) => !c.allowed && phase(c) === 0));
    expect(await snapshot(), 'denied cells changed nothing').toEqual(before);
    // 2. Every allowed cell, on fresh targets.
    await check(cells.filter((c) => c.allowed && phase(c) === 0));
    // 3. The personal key toggles of each signed-in user, in order (regenerate, off, on).
    await check(
      cells.filter((c) => phase(c) === 1),
      1,
    );
    // 4. API access for non-admins off: the same user may only turn their key off.
    const off = await callAction(superadmin, action('setApiAccessAction'), [IDLE, FORM], {
      allowed: 'false',
    });
    expect(off.state, off.text.slice(0, 500)).toBe('success');
    const noApi = cells.filter((c) => phase(c) === 2);
    const beforeNoApi = await snapshot();
    await check(
      noApi.filter((c) => !c.allowed),
      1,
    );
    expect(await snapshot(), 'denied cells changed nothing').toEqual(beforeNoApi);
    await check(
      noApi.filter((c) => c.allowed),
      1,
    );

    console.log(`[${mode}] ${cells.length} cells run after ${Date.now() - started} ms`);
    expect(failures, failures.join('\n')).toEqual([]);
  } finally {
    for (const s of new Set(sessions.values())) await s.dispose();
    await app?.stop();
    await database.remove();
  }
});
