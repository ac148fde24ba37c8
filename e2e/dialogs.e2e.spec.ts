import { UNREACHABLE_MESSAGE } from '../lib/client/call-action';
import { expect, test } from './fixtures';
import { ApiKeysPage, uniqueName } from './pages/api-keys-page';

/** Focus, errors and failures in the key dialogs: keyboard users and lost connections included. */
test.describe('key dialogs', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('a refused submit focuses the first invalid field and keeps the error summary in view; closing returns focus', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    // Skip link first in the tab order.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();

    const add = page.getByRole('button', { name: 'Add API key' });
    await keys.openCreate();
    // The sticky footer sums up what is picked; quick choices tick a whole column.
    await expect(keys.dialog.getByTestId('form-summary')).toHaveText(
      /^0 permissions · 1 organisation · expires /,
    );
    await keys.dialog.getByRole('button', { name: 'All read' }).click();
    await expect(keys.dialog.getByRole('checkbox', { name: 'Leads: read' })).toBeChecked();
    await expect(keys.dialog.getByTestId('form-summary')).toHaveText(/^\d+ permissions · 1 organisation/);
    await keys.dialog.getByRole('button', { name: 'None' }).click();
    await expect(keys.dialog.getByTestId('form-summary')).toHaveText(/^0 permissions/);

    await keys.submitCreate();
    await expect(keys.dialog.getByLabel('Name')).toBeFocused();
    const summary = keys.dialog.getByTestId('error-summary');
    await expect(summary).toContainText('2 fields need attention: Name, Permissions');
    await expect(summary).toBeInViewport();
    await expect(keys.dialog.getByRole('button', { name: 'Create key' })).toBeInViewport();

    await keys.dialog.getByLabel('Name').fill(uniqueName('Focus'));
    await keys.submitCreate();
    // Name is fine now: focus moves to the permissions, the first invalid field left.
    await expect(keys.dialog.getByRole('checkbox', { name: /Admin \(all permissions\)/ })).toBeFocused();

    await keys.dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(keys.dialog).toHaveCount(0);
    await expect(add).toBeFocused();

    // From a row's Actions menu: Escape closes the dialog, focus goes back to that Actions button.
    const name = (await keys.names())[0];
    await keys.rowAction(name, 'Edit');
    await expect(keys.dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(keys.dialog).toHaveCount(0);
    await expect(keys.row(name).getByRole('button', { name: 'Actions' })).toBeFocused();
  });

  test('the new key is not lost by one keystroke: Escape asks until Copy was pressed', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    await keys.openCreate();
    await keys.fillForm({ name: uniqueName('Guard'), permissions: ['Customers: read'] });
    await keys.submitCreate();
    await keys.readShownSecret();
    await expect(keys.dialog.getByRole('heading', { name: 'Key created' })).toBeVisible();
    // The success toast is above the dialog's backdrop, not behind it.
    const toast = keys.toast(/created/);
    await expect(toast).toBeVisible();
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await expect(toast).toHaveCount(0);

    await keys.dialog.getByRole('button', { name: 'Close' }).click();
    const question = keys.dialog.getByRole('alertdialog');
    await expect(question).toContainText('Have you copied the key? It will not be shown again.');
    await question.getByRole('button', { name: 'Back to the key' }).click();
    await expect(keys.dialog.getByTestId('new-secret')).toBeVisible();

    await page.keyboard.press('Escape');
    await expect(question).toBeVisible();
    await expect(keys.dialog).toBeVisible();
    await question.getByRole('button', { name: 'Back to the key' }).click();

    await keys.dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.keyboard.press('Escape');
    await expect(keys.dialog).toHaveCount(0);
  });

  test('an action under a cut connection fails inside its dialog, and the page stays usable', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Offline');
    await keys.createKey({ name });

    await keys.rowAction(name, 'Disable');
    await page.context().setOffline(true);
    await keys.confirm('Disable key');
    await expect(keys.dialog.getByRole('alert')).toHaveText(UNREACHABLE_MESSAGE);
    await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();

    // Back online, the same dialog retries and succeeds.
    await page.context().setOffline(false);
    await keys.confirm('Disable key');
    await expect(keys.toast(`API key "${name}" disabled.`)).toBeVisible();
    await expect(keys.row(name)).toContainText('Disabled');

    // The create form fails the same way, keeps what was typed, and offers a retry.
    await keys.openCreate();
    await keys.fillForm({ name: uniqueName('Offline create'), permissions: ['Customers: read'] });
    await page.route('**/admin/api-keys**', (route) =>
      route.request().method() === 'POST' ? route.abort('connectionreset') : route.continue(),
    );
    await keys.submitCreate();
    await expect(keys.dialog.getByRole('alert').filter({ hasText: UNREACHABLE_MESSAGE })).toBeVisible();
    await page.unroute('**/admin/api-keys**');
    await keys.dialog.getByRole('button', { name: 'Try again' }).click();
    await keys.readShownSecret();
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('navigation sits behind a Menu button, keys are cards and dialogs are full-height sheets', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const menu = page.getByRole('button', { name: 'Menu' });
    await expect(page.getByRole('link', { name: 'Sign out' })).toBeHidden();
    await menu.click();
    await expect(page.getByRole('link', { name: 'Sign out' })).toBeInViewport();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Sign out' })).toBeHidden();

    await keys.goto();
    const first = page.getByTestId('key-list').locator('tbody tr').first();
    const box = (await first.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await keys.openCreate();
    const sheet = (await keys.dialog.boundingBox())!;
    expect(Math.round(sheet.height)).toBe(844);
    await expect(keys.dialog.getByRole('button', { name: 'Create key' })).toBeInViewport();
  });
});
