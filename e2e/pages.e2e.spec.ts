import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ApiDocsPage } from './pages/api-docs-page';

/**
 * Every page, as a phone (390×844) and a desktop (1440×900): never wider than the viewport, and no
 * serious or critical accessibility violation (axe-core) in the light and the dark theme.
 */
const ADMIN_PAGES = [
  '/admin',
  '/admin/api-keys',
  '/admin/api-keys?status=all',
  '/admin/audit-log',
  '/admin/security',
  '/settings/api',
  '/admin/api-docs',
];
const SUPERADMIN_PAGES = ['/superadmin/api', '/superadmin/api-docs', '/admin/api-keys'];
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1440, height: 900 },
] as const;

async function visit(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  // Client-rendered parts settle before measuring: Swagger UI's operations, the charts.
  if (path.includes('api-docs')) await new ApiDocsPage(page).waitForOperations();
  if (path === '/admin') await expect(page.getByTestId('usage-chart').locator('svg').first()).toBeVisible();
}

async function pageWidth(page: Page) {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
}

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} ×${v.nodes.length}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/** Every page of an admin, plus a key's detail page (the first key of the list). */
async function pagesOf(page: Page, who: 'admin' | 'superadmin') {
  const paths = who === 'admin' ? [...ADMIN_PAGES] : [...SUPERADMIN_PAGES];
  await page.goto('/admin/api-keys');
  const detail = await page.getByTestId('key-list').getByRole('link').first().getAttribute('href');
  if (detail) paths.push(detail);
  return paths;
}

for (const viewport of VIEWPORTS) {
  test(`no page is wider than a ${viewport.name} (${viewport.width}×${viewport.height})`, async ({
    page,
    signInAs,
  }) => {
    test.slow();
    await page.setViewportSize(viewport);
    await page.goto('/login');
    expect((await pageWidth(page)).scroll).toBeLessThanOrEqual(viewport.width);
    for (const who of ['admin', 'superadmin'] as const) {
      await page.context().clearCookies();
      await signInAs(who);
      for (const path of await pagesOf(page, who)) {
        await visit(page, path);
        const { scroll } = await pageWidth(page);
        expect(scroll, `${path} as ${who}`).toBeLessThanOrEqual(viewport.width);
      }
    }
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical violation in the ${colorScheme} theme`, async ({
    page,
    signInAs,
  }) => {
    test.slow();
    await page.emulateMedia({ colorScheme });
    await page.goto('/login');
    const found: Record<string, string[]> = {};
    const login = await seriousViolations(page);
    if (login.length) found['/login'] = login;
    await signInAs('superadmin');
    for (const path of [...(await pagesOf(page, 'admin')), ...SUPERADMIN_PAGES.slice(0, 2)]) {
      await visit(page, path);
      const violations = await seriousViolations(page);
      if (violations.length) found[path] = violations;
    }
    expect(found).toEqual({});
  });
}
