import type { APIRequestContext } from '@playwright/test';
import { DEMO, E2E_PASSWORD } from './config';
import { expect, test } from './fixtures';
import { ApiKeysPage, daysFromNow, uniqueName } from './pages/api-keys-page';
import { LoginPage } from './pages/login-page';

/** What the HTTP API says about a key right now: status and error code of GET /crm/me. */
async function callMe(request: APIRequestContext, key: string) {
  const res = await request.get('/crm/me', { headers: { 'X-API-KEY': key } });
  const body = await res.json();
  return { status: res.status(), code: body.error?.code as string | undefined, body };
}

test.describe('admin API key pages', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('create a key, copy it once, call the API with it; afterwards only the masked form is left', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
    const totalBefore = Number(await page.getByTestId('summary-all').locator('span').nth(1).textContent());

    const name = uniqueName('Create');
    await keys.openCreate();
    // Only the admin's own organisation is offered, and "All tenants" is not.
    await expect(keys.dialog.getByRole('radio', { name: /All tenants/ })).toHaveCount(0);
    await expect(keys.dialog.getByRole('checkbox', { name: 'Acme Telecom' })).toBeChecked();
    await expect(keys.dialog.getByRole('checkbox', { name: 'Globex Networks' })).toHaveCount(0);
    // Analytics is read-only in the grid.
    await expect(keys.dialog.getByRole('checkbox', { name: 'Analytics: read' })).toBeVisible();
    await expect(keys.dialog.getByRole('checkbox', { name: 'Analytics: write' })).toHaveCount(0);
    await keys.fillForm({
      name,
      description: 'Created by the e2e suite',
      expiry: daysFromNow(120),
      permissions: ['Customers: read', 'Leads: write'],
    });
    await keys.submitCreate();
    const secret = await keys.readShownSecret();
    await expect(keys.dialog.getByTestId('curl-example')).toHaveText(
      `curl -H "X-API-KEY: ${secret}" ${new URL(page.url()).origin}/crm/me`,
    );
    await keys.dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(keys.dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expect(keys.toast(`API key "${name}" created.`)).toBeVisible();

    // The copied key works, with exactly what was granted (write does not imply read).
    const me = await callMe(page.request, secret);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name, permissions: ['customers:read', 'leads:write'] });

    await keys.dialog.getByRole('button', { name: 'Done' }).click();
    await expect(keys.dialog).toHaveCount(0);
    const masked = `sk_live_…${secret.slice(-4)}`;
    const row = keys.row(name);
    await expect(row).toContainText(masked);
    await expect(row).toContainText('Active');
    await expect(row).toContainText('Customers: read · Leads: write');
    await expect(row).toContainText('Acme Telecom');
    await expect(row).toContainText('Ada Admin');
    await expect(page.getByTestId('summary-all').locator('span').nth(1)).toHaveText(String(totalBefore + 1));
    expect(await page.content()).not.toContain(secret);

    // Not on a fresh load of the list, nor on the detail page.
    await keys.goto(`?q=${encodeURIComponent(name)}`);
    expect(await page.content()).not.toContain(secret);
    await row.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
    await expect(page.getByText(masked).first()).toBeVisible();
    expect(await page.content()).not.toContain(secret);
    expect(page.url()).not.toContain(secret.slice(8));
    // The detail page: the usage panel and the access log (e2e/usage.e2e.spec.ts checks their figures),
    // and the audit trail.
    await expect(page.locator('#usage')).toContainText('Last 24 hours');
    await expect(page.locator('#usage').getByTestId('usage-chart')).toHaveCount(2);
    await expect(page.locator('#access-log').getByRole('table', { name: 'Recent requests' })).toBeVisible();
    const audit = page.getByTestId('audit-row');
    await expect(audit).toHaveCount(1);
    // The trail speaks in sentences: who did what, with the acting user's name.
    await expect(audit.first()).toContainText(`Ada Admin created ${name}`);
  });

  test('server-side validation shows each error next to its field, also when the form is bypassed', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const taken = uniqueName('Taken');
    await keys.createKey({ name: taken });

    await keys.openCreate();
    await keys.dialog.getByRole('button', { name: 'No expiry' }).click();
    await expect(keys.dialog.getByText(/No expiry: not recommended/)).toBeVisible();
    await keys.submitCreate();
    await expect(keys.dialog.getByLabel('Name')).toHaveAccessibleDescription('Enter a name.');
    await expect(keys.dialog.getByRole('group', { name: /Permissions/ })).toHaveAccessibleDescription(
      'Choose at least one permission.',
    );

    // A date in the past, and a name that is taken (case-insensitively).
    await keys.fillForm({ name: taken.toUpperCase(), expiry: '2020-01-01', permissions: ['Contacts: read'] });
    await keys.submitCreate();
    await expect(keys.dialog.getByLabel('Expiry date')).toHaveAccessibleDescription(
      /The expiry date must be in the future\./,
    );
    await keys.fillForm({ expiry: daysFromNow(30) });
    await keys.submitCreate();
    await expect(keys.dialog.getByLabel('Name')).toHaveAccessibleDescription(
      'A key with this name already exists.',
    );
    // What was typed is still there.
    await expect(keys.dialog.getByLabel('Name')).toHaveValue(taken.toUpperCase());
    await expect(keys.dialog.getByRole('checkbox', { name: 'Contacts: read' })).toBeChecked();

    // Bypass the form: ask for another organisation's tenant and a permission that does not exist.
    const bypass = uniqueName('Bypass');
    await keys.fillForm({ name: bypass });
    await keys.dialog.locator('form').evaluate((form) => {
      const add = (name: string, value: string) => {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.appendChild(input);
      };
      add('tenants', '6d2b0f8e-1c3d-4e5f-8a9b-0c1d2e3f4a5b');
      add('permissions', 'analytics:write');
    });
    await keys.submitCreate();
    await expect(keys.dialog.getByRole('group', { name: /Permissions/ })).toHaveAccessibleDescription(
      'Unknown permission: analytics:write.',
    );
    await keys.dialog.locator('input[value="analytics:write"]').evaluate((el) => el.remove());
    await keys.submitCreate();
    await expect(keys.dialog.getByRole('group', { name: /Allowed tenants/ })).toHaveAccessibleDescription(
      'You can only choose your own organisation.',
    );
    await keys.dialog.getByRole('button', { name: 'Cancel' }).click();
    await keys.goto(`?status=all&q=${encodeURIComponent(bypass)}`);
    await expect(page.getByText('No keys match this view.')).toBeVisible();
  });

  test('search, filter and sort live in the URL, and the back button restores them', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const token = uniqueName('Sortable').replace(' ', '-');
    const [alpha, bravo, charlie] = [`${token} alpha`, `${token} bravo`, `${token} charlie`];
    await keys.createKey({ name: bravo, expiry: daysFromNow(200) });
    await keys.createKey({ name: alpha, expiry: daysFromNow(10) });
    const charlieSecret = await keys.createKey({ name: charlie, description: 'needle in the description' });

    await keys.search.fill(token);
    await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(token).replace(/%20/g, '(\\+|%20)')}`));
    await expect.poll(() => keys.names()).toEqual([charlie, alpha, bravo]); // newest first

    await page.getByRole('button', { name: 'Name' }).click();
    await expect(page).toHaveURL(/sort=name&order=asc/);
    await expect.poll(() => keys.names()).toEqual([alpha, bravo, charlie]);
    await page.getByRole('button', { name: 'Name' }).click();
    await expect(page).toHaveURL(/sort=name&order=desc/);
    await expect.poll(() => keys.names()).toEqual([charlie, bravo, alpha]);
    await page.getByRole('button', { name: 'Expires' }).click();
    await expect(page).toHaveURL(/sort=expires/);
    // Latest expiry first: bravo (200 days), charlie (the form's default 90 days), alpha (10 days).
    await expect.poll(() => keys.names()).toEqual([bravo, charlie, alpha]);
    await page.goBack();
    await expect.poll(() => keys.names()).toEqual([charlie, bravo, alpha]);
    await expect(page).toHaveURL(/sort=name&order=desc/);
    await page.goBack();
    await expect.poll(() => keys.names()).toEqual([alpha, bravo, charlie]);

    // Filter: expiring soon (within 30 days) finds only alpha.
    await keys.statusFilter.selectOption({ label: 'Expiring soon' });
    await expect(page).toHaveURL(/status=expiring_soon/);
    await expect.poll(() => keys.names()).toEqual([alpha]);
    await expect(keys.row(alpha)).toContainText('Expiring soon');
    await page.goBack();
    await expect.poll(() => keys.names()).toEqual([alpha, bravo, charlie]);

    // Search matches the description and the key's visible identifier too.
    await keys.search.fill('needle in the description');
    await expect.poll(() => keys.names()).toEqual([charlie]);
    await keys.search.fill(`sk_live_…${charlieSecret.slice(-4)}`);
    await expect.poll(() => keys.names()).toContain(charlie);

    // A bookmarked view opens as it was left.
    await keys.goto(`?q=${encodeURIComponent(token)}&sort=name&order=asc`);
    await expect.poll(() => keys.names()).toEqual([alpha, bravo, charlie]);
    await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
  });

  test('edit changes name, description, expiry and permissions, and the audit trail shows before/after', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Edit');
    const secret = await keys.createKey({ name, permissions: ['Calls: read'] });
    const renamed = `${name} renamed`;

    await keys.rowAction(name, 'Edit');
    await expect(keys.dialog.getByLabel('Name')).toHaveValue(name);
    await expect(keys.dialog.getByRole('checkbox', { name: 'Calls: read' })).toBeChecked();
    await keys.fillForm({ name: renamed, description: 'Now with write', expiry: daysFromNow(365) });
    await keys.dialog.getByRole('checkbox', { name: 'Calls: write' }).check();
    await keys.dialog.getByRole('checkbox', { name: 'Calls: read' }).uncheck();
    await keys.dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(keys.dialog).toHaveCount(0);
    await expect(keys.toast(`API key "${renamed}" saved.`)).toBeVisible();
    await expect(keys.row(renamed)).toContainText('Calls: write');
    await expect(keys.row(renamed)).toContainText(`sk_live_…${secret.slice(-4)}`);

    // Same key value: it keeps working, with the new permissions.
    const me = await callMe(page.request, secret);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: renamed, permissions: ['calls:write'] });

    await keys.row(renamed).getByRole('link', { name: renamed }).click();
    const edited = page.getByTestId('audit-row').first();
    // A sentence, then each change as before → after (the arrow reads "changed to").
    await expect(edited).toContainText(`Ada Admin edited ${renamed}`);
    await expect(edited.getByText(`${name}`, { exact: true })).toBeVisible();
    await expect(edited).toContainText(new RegExp(`Name: ${name}\\s*→\\s*changed to ${renamed}`));
    await expect(edited).toContainText(/Permissions: calls:read\s*→\s*changed to calls:write/);
    await expect(edited).not.toContainText(secret);
  });

  test('rate limit: set in the form, shown on the detail page, enforced by the API; an edit applies at once', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Rate limit');
    await keys.openCreate();
    await keys.fillForm({ name, permissions: ['Customers: read'] });
    const limit = keys.dialog.getByLabel(/Rate limit/);
    await expect(limit).toHaveAccessibleDescription(/429/);
    // A limit of 0 is refused beside the field, naming it.
    await limit.fill('0');
    await keys.submitCreate();
    await expect(keys.dialog.getByText('At least 1 request a minute (null: no limit).')).toBeVisible();
    await expect(limit).toHaveAttribute('aria-invalid', 'true');
    await limit.fill('3');
    await keys.submitCreate();
    const secret = await keys.readShownSecret();
    await keys.dialog.getByRole('button', { name: 'Done' }).click();

    for (let i = 0; i < 3; i++) expect((await callMe(page.request, secret)).status).toBe(200);
    expect(await callMe(page.request, secret)).toMatchObject({ status: 429, code: 'rate_limited' });

    await keys.row(name).getByRole('link', { name }).click();
    const fact = page
      .getByRole('region', { name: 'Details' })
      .locator('dt', { hasText: 'Rate limit' })
      .locator('xpath=following-sibling::dd[1]');
    await expect(fact).toHaveText('3 requests a minute');

    await keys.detailAction('Edit key');
    await expect(limit).toHaveValue('3');
    await limit.fill('10');
    await keys.dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(keys.dialog).toHaveCount(0);
    await expect(fact).toHaveText('10 requests a minute');
    // The raised limit holds at once, in the minute already under way: 7 more.
    const res = await page.request.get('/crm/me', { headers: { 'X-API-KEY': secret } });
    expect(res.status()).toBe(200);
    expect(res.headers()).toMatchObject({ 'ratelimit-limit': '10', 'ratelimit-remaining': '6' });
  });

  test('regenerate: the old key is refused on the very next request, the new one works', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Regenerate');
    const oldSecret = await keys.createKey({ name, permissions: ['Services: read'] });
    expect((await callMe(page.request, oldSecret)).status).toBe(200);

    await keys.rowAction(name, 'Regenerate');
    await expect(keys.dialog).toContainText('The old key stops working at once');
    await keys.confirm('Regenerate key');
    const newSecret = await keys.readShownSecret();
    expect(newSecret).not.toBe(oldSecret);

    const old = await callMe(page.request, oldSecret);
    expect(old.status).toBe(401);
    const fresh = await callMe(page.request, newSecret);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ name, permissions: ['services:read'] });

    await keys.dialog.getByRole('button', { name: 'Done' }).click();
    await expect(keys.row(name)).toContainText(`sk_live_…${newSecret.slice(-4)}`);
    expect(await page.content()).not.toContain(newSecret);
  });

  test('disable refuses the key until it is enabled again', async ({ page, signInAs }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Disable');
    const secret = await keys.createKey({ name });

    await keys.rowAction(name, 'Disable');
    await keys.confirm('Disable key');
    await expect(keys.toast(`API key "${name}" disabled.`)).toBeVisible();
    await expect(keys.row(name)).toContainText('Disabled');
    expect(await callMe(page.request, secret)).toMatchObject({ status: 401, code: 'key_disabled' });

    await keys.statusFilter.selectOption({ label: 'Disabled' });
    await expect(page).toHaveURL(/status=disabled/);
    await expect(keys.row(name)).toBeVisible();

    await keys.rowAction(name, 'Enable');
    await expect(keys.toast(`API key "${name}" enabled.`)).toBeVisible();
    expect((await callMe(page.request, secret)).status).toBe(200);
  });

  test('revoke is final: the key is refused, moves to Revoked / Expired, and cannot be enabled', async ({
    page,
    signInAs,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Revoke');
    const secret = await keys.createKey({ name });

    await keys.rowAction(name, 'Revoke');
    await expect(keys.dialog).toContainText('Revoking is permanent');
    await keys.confirm('Revoke key');
    await expect(keys.toast(`API key "${name}" revoked.`)).toBeVisible();
    await expect(keys.row(name)).toHaveCount(0); // gone from the current keys
    expect(await callMe(page.request, secret)).toMatchObject({ status: 401, code: 'key_revoked' });

    await page.getByRole('link', { name: /Revoked \/ Expired/ }).click();
    await expect(page).toHaveURL(/status=ended/);
    const row = keys.row(name);
    await expect(row).toContainText('Revoked');
    expect(await keys.rowActions(name)).toEqual(['Delete']);
    await row.getByRole('link', { name }).click();
    await expect(page.getByTestId('audit-row').first()).toContainText(`Ada Admin revoked ${name}`);
    // The banner says what callers get; a revoked key offers only Delete, never Enable.
    await expect(page.getByTestId('key-banner')).toContainText('401 with the code key_revoked');
    await expect(page.getByRole('button', { name: 'Delete', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Enable', exact: true })).toHaveCount(0);
  });

  test('delete, from the detail page, removes the key and it stops working', async ({ page, signInAs }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Delete');
    const secret = await keys.createKey({ name });
    await keys.row(name).getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
    const detailUrl = page.url();

    await keys.detailAction('Delete');
    await keys.confirm('Delete key');
    await expect(page).toHaveURL(/\/admin\/api-keys$/);
    await expect(keys.toast('API key deleted.')).toBeVisible();
    await expect(keys.row(name)).toHaveCount(0);
    expect(await callMe(page.request, secret)).toMatchObject({ status: 401, code: 'key_invalid' });
    const gone = await page.goto(detailUrl);
    expect(gone?.status()).toBe(404);
  });

  test('two admins regenerating at once leave exactly one valid secret', async ({
    page,
    signInAs,
    browser,
  }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Race');
    await keys.createKey({ name });
    // A second admin session, in its own browser context, on the same list.
    const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    const page2 = await other.newPage();
    await new LoginPage(page2).goto();
    await new LoginPage(page2).signIn(DEMO.admin, E2E_PASSWORD);
    await expect(page2).not.toHaveURL(/\/login/);
    const keys2 = new ApiKeysPage(page2);
    await keys2.goto(`?q=${encodeURIComponent(name)}`);

    // Both open "Regenerate" and confirm at the same moment.
    await keys.rowAction(name, 'Regenerate');
    await keys2.rowAction(name, 'Regenerate');
    await Promise.all([keys.confirm('Regenerate key'), keys2.confirm('Regenerate key')]);
    const [a, b] = await Promise.all([keys.readShownSecret(), keys2.readShownSecret()]);
    expect(a).not.toBe(b);
    const statuses = [(await callMe(page.request, a)).status, (await callMe(page.request, b)).status].sort();
    expect(statuses).toEqual([200, 401]);
    await keys.dialog.getByRole('button', { name: 'Done' }).click();
    await keys2.dialog.getByRole('button', { name: 'Done' }).click();
    // Both pages, reloaded, show the one secret that works.
    const survivor = (await callMe(page.request, a)).status === 200 ? a : b;
    await page.reload();
    await expect(keys.row(name)).toContainText(`sk_live_…${survivor.slice(-4)}`);
    await page2.reload();
    await expect(keys2.row(name)).toContainText(`sk_live_…${survivor.slice(-4)}`);
    await other.close();
  });

  test('a stale page cannot re-enable a key revoked meanwhile', async ({ page, signInAs, browser }) => {
    await signInAs('admin');
    const keys = new ApiKeysPage(page);
    const name = uniqueName('Stale');
    const secret = await keys.createKey({ name });
    await keys.rowAction(name, 'Disable');
    await keys.confirm('Disable key');
    await expect(keys.row(name)).toContainText('Disabled'); // the list has refreshed
    expect(await keys.rowActions(name)).toContain('Enable');

    // Another admin revokes it while this page still offers "Enable".
    const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    const page2 = await other.newPage();
    await new LoginPage(page2).goto();
    await new LoginPage(page2).signIn(DEMO.admin, E2E_PASSWORD);
    await expect(page2).not.toHaveURL(/\/login/);
    const keys2 = new ApiKeysPage(page2);
    await keys2.goto(`?q=${encodeURIComponent(name)}`);
    await keys2.rowAction(name, 'Revoke');
    await keys2.confirm('Revoke key');
    await expect(keys2.toast(`API key "${name}" revoked.`)).toBeVisible();
    await other.close();

    await keys.rowAction(name, 'Enable');
    await expect(keys.toast('A revoked key cannot be changed or re-activated.')).toBeVisible();
    expect(await callMe(page.request, secret)).toMatchObject({ status: 401, code: 'key_revoked' });
  });

  test('a user is refused the pages (403) and sees no link to them', async ({ page, signInAs }) => {
    await signInAs('user');
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }),
    ).toHaveCount(0);
    for (const path of [
      '/admin/api-keys',
      '/admin/api-keys?status=all',
      '/admin/api-keys/6d2b0f8e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
    ]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
    }
  });

  test('a superadmin may give a key "All tenants", marked to use sparingly', async ({
    page,
    signInAs,
    browser,
  }) => {
    await signInAs('superadmin');
    const keys = new ApiKeysPage(page);
    await keys.goto();
    const name = uniqueName('All tenants');
    await keys.openCreate();
    await expect(keys.dialog.getByText('(use sparingly)')).toBeVisible();
    await keys.fillForm({ name, permissions: ['Analytics: read'] });
    await keys.dialog.getByRole('radio', { name: /All tenants/ }).check();
    await keys.submitCreate();
    const secret = await keys.readShownSecret();
    await keys.dialog.getByRole('button', { name: 'Done' }).click();
    await expect(keys.row(name)).toContainText('All tenants');
    expect((await callMe(page.request, secret)).body).toMatchObject({ tenants: 'all' });

    // An organisation admin could not have created it, so cannot see or change it (docs/access.md).
    const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    const page2 = await other.newPage();
    await new LoginPage(page2).goto();
    await new LoginPage(page2).signIn(DEMO.admin, E2E_PASSWORD);
    await expect(page2).not.toHaveURL(/\/login/);
    const admin = new ApiKeysPage(page2);
    await admin.goto(`?q=${encodeURIComponent(name)}`);
    await expect(page2.getByText(name)).toHaveCount(0);
    await other.close();
    expect((await callMe(page.request, secret)).body).toMatchObject({ tenants: 'all' });
  });
});
