import { DEMO } from './config';
import { expect, test } from './fixtures';

test('an unauthenticated visit to an app page redirects to sign-in', async ({ page }) => {
  await page.goto('/admin/api-keys');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Sign in to the CRM' })).toBeVisible();
});

test('a wrong password is refused with a message', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.admin, 'not-the-password');
  await expect(page.getByText('Wrong e-mail or password.')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('the demo admin signs in and reaches the API keys page, then signs out', async ({ page, signInAs }) => {
  await signInAs('admin');
  await expect(page).toHaveURL(/\/admin\/api-keys/);
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/admin/api-keys');
  await expect(page).toHaveURL(/\/login/);
});

test('a user opening an admin page gets the 403 page', async ({ page, signInAs }) => {
  await signInAs('user');
  const response = await page.goto('/admin/api-keys');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
});

test('a throttled sign-in says how long to wait', async ({ page, loginPage }) => {
  // The e2e server trusts the runner as its proxy: this test's client has an address of its own.
  const address = `198.19.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
  await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': address });
  for (let i = 0; i < 10; i++) {
    const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    await page.request.post('/api/auth/callback/credentials', {
      form: { csrfToken, email: DEMO.admin, password: 'not-the-password', json: 'true' },
    });
  }
  await loginPage.goto();
  await loginPage.signIn(DEMO.admin, 'not-the-password');
  await expect(page.locator('#login-error')).toHaveText(
    /Too many failed sign-in attempts\. Wait 1[45] minutes before trying again\./,
  );
  await expect(page).toHaveURL(/\/login/);
});
