import { expect, type Locator, type Page } from '@playwright/test';

export type NewKey = {
  name: string;
  description?: string;
  /** "YYYY-MM-DD", or "none" for no expiry; default: the form's 90 days. */
  expiry?: string;
  /** Checkbox labels of the permission grid, e.g. "Customers: read"; or "admin". */
  permissions?: string[];
};

/** The admin's API key list (/admin/api-keys) and its dialogs. */
export class ApiKeysPage {
  constructor(readonly page: Page) {}

  async goto(query = '') {
    await this.page.goto(`/admin/api-keys${query}`);
    await expect(this.page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  }

  get dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  get search(): Locator {
    return this.page.getByLabel('Search');
  }

  get statusFilter(): Locator {
    return this.page.getByLabel('Status', { exact: true });
  }

  /** The table row of a key, found by its name link. */
  row(name: string): Locator {
    return this.page.locator('tbody tr', { has: this.page.getByRole('link', { name, exact: true }) });
  }

  /** Names in table order. */
  async names(): Promise<string[]> {
    return this.page.locator('tbody tr td:first-child a').allTextContents();
  }

  async openCreate() {
    await this.page.getByRole('button', { name: 'Add API key' }).click();
    await expect(this.dialog.getByRole('heading', { name: 'Add API key' })).toBeVisible();
  }

  /** Fill the open key form (create or edit). */
  async fillForm(key: Partial<NewKey>) {
    const d = this.dialog;
    if (key.name !== undefined) await d.getByLabel('Name').fill(key.name);
    if (key.description !== undefined) await d.getByLabel('Description').fill(key.description);
    if (key.expiry === 'none') await d.getByRole('button', { name: 'No expiry' }).click();
    else if (key.expiry) await d.getByLabel('Expiry date').fill(key.expiry);
    for (const p of key.permissions ?? []) {
      const box =
        p === 'admin'
          ? d.getByRole('checkbox', { name: /Admin \(all permissions\)/ })
          : d.getByRole('checkbox', { name: p, exact: true });
      await box.check();
    }
  }

  async submitCreate() {
    await this.dialog.getByRole('button', { name: 'Create key' }).click();
  }

  /** Create a key through the dialog; returns the secret shown once, and closes the dialog. */
  async createKey(key: NewKey): Promise<string> {
    await this.openCreate();
    await this.fillForm({ permissions: ['Customers: read'], ...key });
    await this.submitCreate();
    const secret = await this.readShownSecret();
    await this.dialog.getByRole('button', { name: 'Done' }).click();
    await expect(this.dialog).toHaveCount(0);
    return secret;
  }

  async readShownSecret(): Promise<string> {
    await expect(this.dialog.getByText('Copy this key now — it will not be shown again.')).toBeVisible();
    const secret = await this.dialog.getByTestId('new-secret').inputValue();
    expect(secret).toMatch(/^sk_live_[A-Za-z0-9]{38}$/);
    return secret;
  }

  /** The actions a row's "Actions" menu offers. */
  async rowActions(name: string): Promise<string[]> {
    await this.row(name).getByRole('button', { name: 'Actions' }).click();
    const items = await this.page.getByRole('menu').getByRole('menuitem').allTextContents();
    await this.page.keyboard.press('Escape');
    return items;
  }

  async rowAction(name: string, action: 'Edit' | 'Regenerate' | 'Disable' | 'Enable' | 'Revoke' | 'Delete') {
    await this.row(name).getByRole('button', { name: 'Actions' }).click();
    await this.page.getByRole('menu').getByRole('menuitem', { name: action, exact: true }).click();
  }

  /** On a key's detail page: the primary action's button, or an item of "More actions". */
  async detailAction(action: 'Edit key' | 'Regenerate' | 'Disable' | 'Enable' | 'Revoke' | 'Delete') {
    const primary = this.page.getByRole('button', { name: action, exact: true });
    if (await primary.isVisible()) return primary.click();
    await this.page.getByRole('button', { name: 'More actions' }).click();
    await this.page.getByRole('menu').getByRole('menuitem', { name: action, exact: true }).click();
  }

  async confirm(label: string) {
    await this.dialog.getByRole('button', { name: label }).click();
  }

  toast(text: string | RegExp): Locator {
    return this.page.getByTestId('toast').filter({ hasText: text });
  }
}

/** A name no other test (or run) uses: tests share one database. */
export function uniqueName(label: string): string {
  return `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
