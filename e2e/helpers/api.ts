import { expect, request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { DEMO, E2E_PASSWORD } from '../config';

export type Who = keyof typeof DEMO;

/**
 * A request context signed in as a demo account over HTTP, the way a browser does it with next-auth
 * credentials: fetch the CSRF token (and its cookie), then post the form. The context keeps the cookies
 * and, like a browser, sends this site's Origin.
 */
export async function signInOverHttp(baseURL: string, who: Who): Promise<APIRequestContext> {
  // A browser sends Origin with every write; cookie-authenticated writes without it are refused.
  const session = await playwrightRequest.newContext({
    baseURL,
    extraHTTPHeaders: { Origin: new URL(baseURL).origin },
  });
  const { csrfToken } = (await (await session.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const res = await session.post('/api/auth/callback/credentials', {
    form: { csrfToken, email: DEMO[who], password: E2E_PASSWORD, json: 'true' },
  });
  expect(res.ok(), `sign-in as ${who}`).toBeTruthy();
  const me = (await (await session.get('/api/auth/session')).json()) as { user?: { email?: string } };
  expect(me.user?.email).toBe(DEMO[who]);
  return session;
}

export type CreatedKey = {
  id: string;
  secret: string;
  body: Record<string, unknown> & { api_key_id: string; api_key: string };
};

export type KeyRequest = {
  name?: string;
  permissions: string[];
  tenants: 'all' | string[];
  expiry_date?: string | null;
  description?: string;
  allowed_ips?: string[] | null;
  rate_limit_per_minute?: number | null;
};

let counter = 0;
/** A unique key name per call, so tests never collide on the per-organisation name rule. */
export function uniqueName(label: string): string {
  counter += 1;
  return `${label} ${Date.now().toString(36)}-${process.pid}-${counter}`;
}

/** POST /crm/api-keys with a session or another key; expects 201 and returns the secret. */
export async function createKey(
  client: APIRequestContext,
  body: KeyRequest,
  headers: Record<string, string> = {},
): Promise<CreatedKey> {
  const res = await client.post('/crm/api-keys', {
    data: { name: uniqueName('e2e key'), ...body },
    headers,
  });
  expect(res.status(), await res.text()).toBe(201);
  const json = (await res.json()) as CreatedKey['body'];
  return { id: json.api_key_id, secret: json.api_key, body: json };
}

export const keyHeader = (secret: string, tenantId?: string): Record<string, string> => ({
  'X-API-KEY': secret,
  ...(tenantId ? { 'X-Tenant-Id': tenantId } : {}),
});

/** The demo world of one server: admin sessions and the two organisations' ids. */
export type DemoWorld = {
  baseURL: string;
  admin: APIRequestContext;
  superadmin: APIRequestContext;
  globexAdmin: APIRequestContext;
  acmeId: string;
  globexId: string;
};

const worlds = new Map<string, Promise<DemoWorld>>();

/** Signed in once per server and worker; each test then creates the keys it needs. */
export function demoWorld(baseURL: string | undefined): Promise<DemoWorld> {
  if (!baseURL) throw new Error('baseURL is not set');
  let world = worlds.get(baseURL);
  if (!world) {
    world = (async () => {
      const [admin, superadmin, globexAdmin] = await Promise.all([
        signInOverHttp(baseURL, 'admin'),
        signInOverHttp(baseURL, 'superadmin'),
        signInOverHttp(baseURL, 'globexAdmin'),
      ]);
      // An admin sees only their own organisation's keys, and the demo gives each organisation some.
      const orgOf = async (session: APIRequestContext) => {
        const res = await session.get('/crm/api-keys?limit=1');
        expect(res.status()).toBe(200);
        const { data } = (await res.json()) as { data: { organisation_id: string }[] };
        return data[0].organisation_id;
      };
      const [acmeId, globexId] = await Promise.all([orgOf(admin), orgOf(globexAdmin)]);
      return { baseURL, admin, superadmin, globexAdmin, acmeId, globexId };
    })();
    worlds.set(baseURL, world);
  }
  return world;
}
