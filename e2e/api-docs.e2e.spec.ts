import { expect, test } from './fixtures';
import { createKey, keyHeader } from './helpers/api';
import { ApiDocsPage } from './pages/api-docs-page';

// Swagger UI renders the whole document in the browser: give it room on a busy 2-core machine.
test.describe.configure({ timeout: 120_000 });

test('a superadmin authorizes with a real key and runs Try it out on GET /crm/customers', async ({
  page,
  signInAs,
}) => {
  await signInAs('superadmin');
  // A real key, created the way the web app does it: POST /crm/api-keys with the session cookie.
  const key = await createKey(
    page.request,
    { permissions: ['customers:read'], tenants: 'all' },
    { origin: new URL(page.url()).origin },
  );
  const me = await page.request.get('/crm/me', { headers: keyHeader(key.secret) });
  const { organisation_id: tenantId } = (await me.json()) as { organisation_id: string };

  const docs = new ApiDocsPage(page);
  const response = await docs.goto();
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'API docs', level: 1 })).toBeVisible();
  await docs.waitForOperations();
  await docs.authorize(key.secret);

  const listCustomers = docs.operation('Customers', 'getCrmCustomers');
  // The generated request samples are part of the operation.
  await listCustomers.locator('.opblock-summary').first().click();
  await expect(listCustomers.getByText('Request samples')).toBeVisible();
  await expect(listCustomers.getByText('Permission: customers:read', { exact: false })).toBeVisible();
  await listCustomers.locator('.opblock-summary').first().click();

  const result = await docs.execute(listCustomers, { 'X-Tenant-Id': tenantId });
  await expect(result.status).toHaveText('200');
  // The seeded customers of the superadmin's organisation, as JSON, formatted.
  await expect(result.body).toContainText('"data"');
  await expect(result.body).toContainText('Acme Hospital');
  // Try it out called this very server with the key from Authorize (and the request samples name it).
  await expect(listCustomers.locator('.request-url')).toContainText(
    `${new URL(page.url()).origin}/crm/customers`,
  );
});

test('a wrong key in Authorize gets the documented 401; signing out forgets the key', async ({
  page,
  signInAs,
}) => {
  await signInAs('superadmin');
  const docs = new ApiDocsPage(page);
  await docs.goto();
  await docs.waitForOperations();
  await docs.authorize('sk_live_not-a-real-key');
  const result = await docs.execute(docs.operation('Identity', 'getCrmMe'));
  await expect(result.status).toHaveText('401');
  await expect(result.body).toContainText('key_malformed');

  // persistAuthorization keeps the key in this browser until sign-out.
  expect(await page.evaluate(() => localStorage.getItem('authorized'))).toContain('sk_live_not-a-real-key');
  await page.getByRole('link', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await page.evaluate(() => localStorage.getItem('authorized'))).toBeNull();
});

for (const who of ['admin', 'user'] as const) {
  test(`the ${who} opening the interactive API docs and API management gets 403`, async ({
    page,
    signInAs,
  }) => {
    await signInAs(who);
    for (const path of ['/superadmin/api-docs', '/superadmin/api']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
      await expect(page.locator('.swagger-ui')).toHaveCount(0);
    }
  });
}

test('an admin reaches the read-only reference from the API keys page: samples, no Try it out', async ({
  page,
  signInAs,
}) => {
  await signInAs('admin');
  await page.goto('/admin/api-keys');
  await page.getByRole('link', { name: 'API reference and request samples' }).click();
  await expect(page).toHaveURL(/\/admin\/api-docs$/);
  const docs = new ApiDocsPage(page);
  await docs.waitForOperations();
  const op = docs.operation('Customers', 'postCrmCustomers');
  await op.locator('.opblock-summary').first().click();
  await expect(op.getByText('curl -X POST', { exact: false })).toBeVisible();
  await expect(op.getByRole('button', { name: 'Execute' })).toHaveCount(0);
  await expect(op.getByRole('button', { name: 'Try it out' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Authorize' })).toBeHidden();
});

test('a user gets 403 on the admin reference too', async ({ page, signInAs }) => {
  await signInAs('user');
  const response = await page.goto('/admin/api-docs');
  expect(response?.status()).toBe(403);
});

test('the API management page lists every operation of the document with its permission', async ({
  page,
  signInAs,
}) => {
  await signInAs('superadmin');
  await page.getByRole('link', { name: 'API management' }).click();
  await expect(page.getByRole('heading', { name: 'API management', level: 1 })).toBeVisible();
  const origin = new URL(page.url()).origin;
  await expect(page.getByTestId('base-url')).toHaveText(`${origin}/crm`);

  const document = (await (await page.request.get('/crm/openapi.json')).json()) as {
    paths: Record<string, Record<string, { 'x-permission': string | null }>>;
  };
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      permission: op['x-permission'],
    })),
  );
  const rows = page.getByTestId('api-url');
  await expect(rows).toHaveCount(operations.length);
  const row = rows.filter({ hasText: 'List customers' });
  await expect(row).toContainText('GET');
  await expect(row).toContainText('/crm/customers');
  await expect(row).toContainText('customers:read');
  await expect(rows.filter({ hasText: 'Create an API key' })).toContainText('api_keys:write');

  const tools = page.getByRole('navigation', { name: 'API tools' });
  for (const [name, href] of [
    ['Interactive API docs', '/superadmin/api-docs'],
    ['OpenAPI document', '/crm/openapi.json'],
    ['API keys', '/admin/api-keys'],
    ['Audit log', '/admin/audit-log'],
  ]) {
    await expect(tools.getByRole('link', { name })).toHaveAttribute('href', href);
  }
  // From the list to the operation in the docs.
  await row.getByRole('link', { name: '/crm/customers' }).click();
  await expect(page).toHaveURL(/\/superadmin\/api-docs#\/Customers\/getCrmCustomers$/);
  await expect(new ApiDocsPage(page).operation('Customers', 'getCrmCustomers')).toBeVisible({
    timeout: 30_000,
  });
});
