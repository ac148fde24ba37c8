import { expect, test } from './fixtures';
import { ApiKeysPage, uniqueName } from './pages/api-keys-page';

test('an admin protects a key in the edit form: a lock in the list, delete refused until unprotected', async ({
  page,
  signInAs,
}) => {
  await signInAs('admin');
  const keys = new ApiKeysPage(page);
  await keys.goto();
  const name = uniqueName('Protected');
  await keys.createKey({ name });
  const lock = keys.row(name).getByRole('img', { name: 'Protected: cannot be deleted' });
  await expect(lock).toHaveCount(0);

  await keys.rowAction(name, 'Edit');
  const protectedBox = keys.dialog.getByRole('checkbox', { name: /Protected/ });
  await expect(protectedBox).not.toBeChecked();
  await protectedBox.check();
  await keys.dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(keys.toast(`API key "${name}" saved.`)).toBeVisible();
  await expect(lock).toBeVisible();

  // Delete is refused, saying how to unprotect; the dialog offers it.
  await keys.rowAction(name, 'Delete');
  await expect(keys.dialog.getByRole('heading', { name: `"${name}" is protected` })).toBeVisible();
  await expect(keys.dialog).toContainText('Unprotect it first: PATCH /crm/api-keys/');
  await expect(keys.dialog).toContainText('{"protected": false} or Edit → Protected');
  await keys.confirm('Unprotect key');
  await expect(keys.toast(`API key "${name}" unprotected.`)).toBeVisible();
  await expect(lock).toHaveCount(0);

  await keys.rowAction(name, 'Delete');
  await keys.confirm('Delete key');
  await expect(keys.toast('API key deleted.')).toBeVisible();
  await expect(keys.row(name)).toHaveCount(0);
});
