import { createKey, demoWorld } from './helpers/api';
import { expect, test } from './fixtures';

// As the Globex admin: the admin pages' specs count Acme's keys, and run at the same time.

test('the key detail page charts the usage, with the same numbers as the JSON endpoint', async ({
  page,
  signInAs,
  baseURL,
}) => {
  const { globexId } = await demoWorld(baseURL);
  await signInAs('globexAdmin');
  // page.request shares the browser's session cookie.
  const origin = { origin: new URL(page.url()).origin };
  const key = await createKey(page.request, { permissions: ['customers:read'], tenants: [globexId] }, origin);
  const headers = { 'X-API-KEY': key.secret, 'User-Agent': 'chart-spec' };
  for (let i = 0; i < 9; i++) expect((await page.request.get('/crm/me', { headers })).status()).toBe(200);
  for (let i = 0; i < 3; i++) {
    expect((await page.request.get(`/crm/api-keys/${key.id}/usage`, { headers })).status()).toBe(403);
  }
  const usage = async (window: string) =>
    (await (await page.request.get(`/crm/api-keys/${key.id}/usage?window=${window}`)).json()).totals;
  await expect.poll(async () => (await usage('24h')).total).toBe(12);

  await page.goto(`/admin/api-keys/${key.id}`);
  const panel = page.locator('#usage');
  for (const window of ['24h', '7d', '30d']) {
    const totals = await usage(window);
    await expect(panel.getByTestId(`usage-${window}-total`)).toContainText(String(totals.total));
    await expect(panel.getByTestId(`usage-${window}-success`)).toHaveText(String(totals.success));
    await expect(panel.getByTestId(`usage-${window}-denied`)).toHaveText(String(totals.denied));
  }
  await expect(panel.getByTestId('usage-24h-success')).toHaveText('9');
  await expect(panel.getByTestId('usage-24h-denied')).toHaveText('3');
  await expect(panel.getByTestId('usage-last-used')).not.toHaveText('Never');

  // Both charts are rendered by recharts as SVG, with bars for the requests.
  const charts = panel.getByTestId('usage-chart');
  await expect(charts).toHaveCount(2);
  for (const chart of await charts.all()) {
    await expect(chart.getByRole('application')).toBeVisible();
    await expect(chart.locator('.recharts-bar-rectangle path').first()).toBeVisible();
    await expect(chart).not.toHaveAttribute('data-empty');
  }

  // The access log lists the requests, newest first.
  const log = page.locator('#access-log');
  await expect(log.getByRole('row')).toHaveCount(13);
  await expect(log.getByRole('row').nth(1)).toContainText('/usage');
  await expect(log.getByRole('row').nth(1)).toContainText('403');
  await expect(log.getByRole('row').last()).toContainText('GET /crm/me');
  await expect(log.getByRole('row').last()).toContainText('chart-spec');
});

test('the dashboard and the audit log show the organisation activity', async ({
  page,
  signInAs,
  baseURL,
}) => {
  const { globexId } = await demoWorld(baseURL);
  await signInAs('globexAdmin');
  const name = `Dashboard ${Date.now()}`;
  const key = await createKey(
    page.request,
    { name, permissions: ['customers:read'], tenants: [globexId] },
    { origin: new URL(page.url()).origin },
  );
  const headers = { 'X-API-KEY': key.secret };
  for (let i = 0; i < 4; i++) await page.request.get('/crm/me', { headers });
  await expect
    .poll(async () => (await (await page.request.get(`/crm/api-keys/${key.id}/usage`)).json()).totals.total)
    .toBe(4);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByTestId('usage-chart').locator('.recharts-bar-rectangle path').first()).toBeVisible();
  // Other tests' keys may be busier than ours: check the list is ordered and agrees with the API.
  const top = page.getByRole('region', { name: 'Top keys by use' }).getByRole('listitem');
  await expect(top.first()).toBeVisible();
  const counts = (await top.getByTestId('top-key-total').allTextContents()).map((t) =>
    Number(t.replace(/,/g, '')),
  );
  expect(counts).toEqual([...counts].sort((a, b) => b - a));
  // The busiest integration key (personal keys have no detail page, nor a usage endpoint).
  const busiest = top.filter({ has: page.getByRole('link') }).first();
  const shown = Number((await busiest.getByTestId('top-key-total').textContent())!.replace(/,/g, ''));
  const busiestId = await busiest.getAttribute('data-key-id');
  const usage30d = await (await page.request.get(`/crm/api-keys/${busiestId}/usage?window=30d`)).json();
  // Requests may land between the page and this call, never fewer.
  expect(usage30d.totals.total).toBeGreaterThanOrEqual(shown);
  await expect(page.getByRole('region', { name: 'Expiring in the next 30 days' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Unused for 30+ days' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await page.getByLabel('Action').selectOption('key.created');
  await page.getByLabel('Target key').fill(name);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=key.created/);
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(2);
  // A sentence: the actor's name, a human verb and the key (linked to its page).
  await expect(rows.nth(1)).toContainText(`Gus Globex created ${name}`);
  await expect(rows.nth(1).getByRole('link', { name: 'Gus Globex' })).toHaveAttribute(
    'href',
    '/admin/audit-log?actor=admin%40globex.example',
  );
  await expect(rows.nth(1).getByRole('link', { name: new RegExp(name) })).toHaveAttribute(
    'href',
    `/admin/api-keys/${key.id}`,
  );

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await (await import('node:fs/promises')).readFile((await file.path())!, 'utf8');
  expect(csv.trimEnd().split('\r\n')).toHaveLength(2);
  expect(csv).toContain(name);
});
