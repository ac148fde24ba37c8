import { expect, test } from './fixtures';
import { createKey, demoWorld, keyHeader } from './helpers/api';
import { ApiKeysPage } from './pages/api-keys-page';

/** The regenerate dialog's overlap, the rotation panel, and ending the overlap early. */
test('regenerate with a 1-hour overlap: both secrets work, the page says so, and "End the overlap now" stops the old one', async ({
  page,
  signInAs,
  baseURL,
}) => {
  await signInAs('admin');
  const w = await demoWorld(baseURL);
  const {
    id,
    secret: old,
    body,
  } = await createKey(w.admin, { permissions: ['customers:read'], tenants: [w.acmeId] });

  await page.goto(`/admin/api-keys/${id}`);
  await new ApiKeysPage(page).detailAction('Regenerate');
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: /1 hour/ }).check();
  await dialog.getByRole('button', { name: 'Regenerate key' }).click();
  const fresh = await dialog.getByTestId('new-secret').inputValue();
  expect(fresh).toMatch(/^sk_live_/);
  await dialog.getByRole('button', { name: 'Done' }).click();

  for (const secret of [old, fresh]) {
    expect((await page.request.get('/crm/me', { headers: keyHeader(secret) })).status()).toBe(200);
  }
  await page.reload();
  await expect(page.getByRole('heading', { name: /Rotating — old secret works until/ })).toBeVisible();
  await expect(page.getByText(`Old secret (${String(body.masked_key)}), last hour`)).toBeVisible();

  await page.getByRole('button', { name: 'End the overlap now' }).click();
  await expect(page.getByRole('heading', { name: /Rotating/ })).toHaveCount(0);
  expect((await page.request.get('/crm/me', { headers: keyHeader(old) })).status()).toBe(401);
  expect((await page.request.get('/crm/me', { headers: keyHeader(fresh) })).status()).toBe(200);
});
