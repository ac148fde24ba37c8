import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { ApiAccessPage } from './pages/api-access-page';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/**
 * The pages show a webhook on API key events for what it is: the event type, the event in words, and
 * that it is a key event — readable and accessible beside the CRM webhooks. (Globex's admin: no other
 * browser spec touches their personal key.)
 */
test('a webhook on api_key.revoked reads as a key event on the API access page', async ({
  page,
  signInAs,
  request,
}) => {
  await signInAs('globexAdmin');
  const mine = new ApiAccessPage(page);
  await mine.goto();
  const secret =
    (await mine.toggle().getAttribute('aria-checked')) === 'true'
      ? (await mine.regenerate()).secret
      : (await mine.turnOn()).secret;

  for (const data of [
    { url: 'http://127.0.0.1:9/hooks/keys', entity: 'api_key', operation: 'revoked' },
    { url: 'http://127.0.0.1:9/hooks/crm', entity: 'customer', operation: 'created' },
  ]) {
    const res = await request.post('/crm/webhooks', { headers: { 'X-API-KEY': secret }, data });
    expect(res.status(), await res.text()).toBe(201);
  }
  await mine.goto();
  const keyRow = mine.webhooks().getByRole('row').filter({ hasText: 'api_key.revoked' });
  await expect(keyRow).toContainText('An API key was revoked');
  await expect(keyRow).toContainText('Key event');
  await expect(keyRow.getByRole('button', { name: 'Pause api_key.revoked webhook' })).toBeVisible();
  const crmRow = mine.webhooks().getByRole('row').filter({ hasText: 'customer.created' });
  await expect(crmRow).toContainText('Customer created');
  await expect(crmRow).not.toContainText('Key event');

  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // Clean up: turned off, the key's webhooks are switched off with it.
  await mine.toggle().click();
  const confirm = page.getByRole('dialog', { name: 'Turn off your API key?' });
  await confirm.getByRole('button', { name: 'Turn off' }).click();
  await expect(mine.toggle()).toHaveAttribute('aria-checked', 'false');
});
