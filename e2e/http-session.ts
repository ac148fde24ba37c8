import { expect, type APIRequestContext } from '@playwright/test';
import { DEMO, E2E_PASSWORD } from './config';

/**
 * Sign in over HTTP as a demo account (next-auth credentials: CSRF token, then the callback).
 * The request context keeps the session cookie for the calls that follow.
 */
export async function signInOverHttp(request: APIRequestContext, who: keyof typeof DEMO): Promise<void> {
  const { csrfToken } = await (await request.get('/api/auth/csrf')).json();
  const res = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken, email: DEMO[who], password: E2E_PASSWORD, json: 'true' },
  });
  expect(res.ok()).toBe(true);
  const session = await (await request.get('/api/auth/session')).json();
  expect(session?.user?.email).toBe(DEMO[who]);
}

/** Create an integration key as the signed-in admin; returns its id and the secret (shown once). */
export async function createKeyOverHttp(
  request: APIRequestContext,
  body: { name: string; permissions: string[]; tenants?: string[] | 'all' },
): Promise<{ id: string; secret: string }> {
  let tenants = body.tenants;
  if (!tenants) {
    // The admin's own organisation, as the keys they can list (the demo has some) report it.
    const list = await (await request.get('/crm/api-keys?limit=1')).json();
    tenants = [list.data[0].organisation_id];
  }
  const res = await request.post('/crm/api-keys', { data: { ...body, tenants } });
  expect(res.status(), await res.text()).toBe(201);
  const created = await res.json();
  return { id: created.api_key_id, secret: created.api_key };
}
