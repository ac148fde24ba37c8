import type { APIRequestContext } from '@playwright/test';
import { DEMO, E2E_PASSWORD } from './config';
import { expect, test } from './fixtures';
import { ApiAccessPage } from './pages/api-access-page';
import { LoginPage } from './pages/login-page';
import { SecurityPage } from './pages/security-page';

// The organisation switch is global to Acme: the tests that flip it run one after another, here only,
// and leave it as the demo has it (not allowed).
test.describe.configure({ mode: 'serial' });
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function callApi(request: APIRequestContext, key: string) {
  const res = await request.get('/crm/me', { headers: { 'X-API-KEY': key } });
  const body = await res.json();
  return { status: res.status(), body };
}

test.describe('personal API keys', () => {
  test('refused while the organisation forbids it; on, copy, call, regenerate; cleared by an admin', async ({
    page,
    signInAs,
    browser,
    baseURL,
    request,
  }) => {
    // Two people at once: the user in this test's page, the admin in a second browser context.
    const adminContext = await browser.newContext({ baseURL });
    const adminPage = await adminContext.newPage();
    const login = new LoginPage(adminPage);
    await login.goto();
    await login.signIn(DEMO.admin, E2E_PASSWORD);
    await expect(adminPage).not.toHaveURL(/\/login/);
    const security = new SecurityPage(adminPage);
    await security.reset(DEMO.user);

    try {
      await signInAs('user');
      const mine = new ApiAccessPage(page);
      await mine.goto();

      // 1. The organisation forbids it: the toggle is refused, and says why.
      await expect(mine.toggle()).toBeDisabled();
      await expect(mine.toggle()).toHaveAttribute('aria-checked', 'false');
      await expect(page.getByRole('note')).toContainText("doesn't allow API access for non-admins");

      // 2. The admin allows it.
      await security.allowApiAccess();
      await expect(adminPage.getByTestId('toast')).toContainText('allowed');

      // 3. The user turns the key on, copies it once, and calls the API with it.
      await mine.goto();
      await expect(mine.toggle()).toBeEnabled();
      const first = await mine.turnOn();
      expect(first.secret).toMatch(/^pat_live_[0-9A-Za-z]{38}$/);
      expect(first.copied).toBe(first.secret);
      await expect(mine.toggle()).toHaveAttribute('aria-checked', 'true');
      await expect(mine.maskedKey()).toHaveText(`pat_live_…${first.secret.slice(-4)}`);
      await expect(page.getByText(first.secret)).toHaveCount(0);
      const me = await callApi(request, first.secret);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        kind: 'personal',
        permissions: expect.arrayContaining(['customers:read']),
      });

      // 4. Regenerate: the old key fails on the very next request, the new one works.
      const second = await mine.regenerate();
      expect(second.secret).not.toBe(first.secret);
      expect(second.copied).toBe(second.secret);
      await expect(mine.maskedKey()).toHaveText(`pat_live_…${second.secret.slice(-4)}`);
      expect(await callApi(request, first.secret)).toMatchObject({
        status: 401,
        body: { error: { code: 'key_invalid' } },
      });
      expect((await callApi(request, second.secret)).status).toBe(200);

      // 5. An automation platform registers a webhook with the key: the user sees it and pauses/plays it.
      const hook = await request.post('/crm/webhooks', {
        headers: { 'X-API-KEY': second.secret },
        data: { url: 'http://127.0.0.1:9/hooks/zap', entity: 'customer', operation: 'created' },
      });
      expect(hook.status()).toBe(201);
      await mine.goto();
      const row = mine.webhooks().getByRole('row').filter({ hasText: 'customer.created' });
      await expect(row).toContainText('http://127.0.0.1:9/hooks/zap');
      await expect(row).toContainText('On');
      await row.getByRole('button', { name: 'Pause customer.created webhook' }).click();
      await expect(row).toContainText('Paused');
      await row.getByRole('button', { name: 'Play customer.created webhook' }).click();
      await expect(row).toContainText('On');

      // 6. The admin sees the key in API Management with its webhook, then clears it.
      await security.goto();
      const adminRow = security.rowOf(DEMO.user);
      await expect(adminRow).toContainText(`pat_live_…${second.secret.slice(-4)}`);
      await expect(adminRow.getByRole('cell').nth(5)).toHaveText('1');
      await adminRow.getByRole('link', { name: 'Uma User' }).click();
      await expect(adminPage.getByRole('table', { name: 'Webhooks' })).toContainText('customer.created');
      await security.goto();
      await security.clearKeyOf(DEMO.user);
      await expect(security.rowOf(DEMO.user)).toHaveCount(0);
      expect(await callApi(request, second.secret)).toMatchObject({
        status: 401,
        body: { error: { code: 'key_revoked' } },
      });

      // 7. The user's page shows the key off and its webhook switched off with it.
      await mine.goto();
      await expect(mine.toggle()).toHaveAttribute('aria-checked', 'false');
      await expect(mine.webhooks()).toContainText('Off — key cleared');
    } finally {
      await security.reset(DEMO.user);
      await adminContext.close();
    }
  });

  test('turning the organisation switch off stops a user key at once; on again restores it', async ({
    page,
    signInAs,
    browser,
    baseURL,
    request,
  }) => {
    const adminContext = await browser.newContext({ baseURL });
    const adminPage = await adminContext.newPage();
    const login = new LoginPage(adminPage);
    await login.goto();
    await login.signIn(DEMO.admin, E2E_PASSWORD);
    await expect(adminPage).not.toHaveURL(/\/login/);
    const security = new SecurityPage(adminPage);
    await security.reset(DEMO.user);
    try {
      await security.allowApiAccess();
      await signInAs('user');
      const mine = new ApiAccessPage(page);
      await mine.goto();
      const { secret } = await mine.turnOn();
      expect((await callApi(request, secret)).status).toBe(200);

      await security.forbidApiAccess();
      expect(await callApi(request, secret)).toMatchObject({
        status: 401,
        body: { error: { code: 'api_access_disabled' } },
      });
      await mine.goto();
      await expect(page.getByText('Suspended')).toBeVisible();

      await security.allowApiAccess();
      expect((await callApi(request, secret)).status).toBe(200);
    } finally {
      await security.reset(DEMO.user);
      await adminContext.close();
    }
  });
});
