import { expect, type Locator, type Page } from '@playwright/test';

/** The Swagger UI docs pages: /superadmin/api-docs (interactive) and /admin/api-docs (read-only). */
export class ApiDocsPage {
  constructor(readonly page: Page) {}

  async goto(path: '/superadmin/api-docs' | '/admin/api-docs' = '/superadmin/api-docs') {
    return this.page.goto(path);
  }

  /** An operation block, e.g. ('Customers', 'getCrmCustomers'), as Swagger UI ids it. */
  operation(tag: string, operationId: string): Locator {
    return this.page.locator(`#operations-${tag.replace(/\s/g, '_')}-${operationId}`);
  }

  async waitForOperations() {
    await expect(this.page.locator('.opblock').first()).toBeVisible({ timeout: 30_000 });
  }

  /** Authorize → the X-API-KEY scheme → paste the key → Authorize → Close. */
  async authorize(secret: string) {
    await this.page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = this.page.locator('.dialog-ux .modal-ux');
    const scheme = dialog.locator('.auth-container').filter({ hasText: 'ApiKeyHeader' });
    await scheme.locator('input').fill(secret);
    // Swagger UI labels its Authorize button "Apply credentials" and Logout "Remove authorization".
    await scheme.getByRole('button', { name: 'Apply credentials' }).click();
    await expect(scheme.locator('button', { hasText: 'Logout' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await expect(dialog).toBeHidden();
  }

  /** Open an operation, fill its header parameters and Execute (Try it out is on by default). */
  async execute(op: Locator, headers: Record<string, string> = {}) {
    await op.locator('.opblock-summary').first().click();
    for (const [name, value] of Object.entries(headers)) {
      await op.locator(`tr[data-param-name="${name}"] input`).fill(value);
    }
    await op.getByRole('button', { name: 'Execute' }).click();
    const live = op.locator('.live-responses-table');
    await expect(live).toBeVisible();
    return {
      status: live.locator('.response .response-col_status').first(),
      body: live.locator('.response-col_description .highlight-code, .response-col_description pre').first(),
    };
  }
}
