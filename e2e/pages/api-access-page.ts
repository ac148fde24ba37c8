import { expect, type Page } from '@playwright/test';

/** /settings/api: the signed-in user's own API key and webhooks. */
export class ApiAccessPage {
  constructor(readonly page: Page) {}

  readonly toggle = () => this.page.getByRole('switch', { name: 'API key' });
  readonly maskedKey = () => this.page.getByTestId('personal-key-masked');
  readonly webhooks = () => this.page.getByRole('table', { name: 'Webhooks' });

  async goto() {
    await this.page.goto('/settings/api');
    await expect(this.page.getByRole('heading', { name: 'API access', level: 1 })).toBeVisible();
  }

  /** The key in the show-once dialog; copies it with the Copy button and closes the dialog. */
  async takeShownKey(): Promise<{ secret: string; copied: string }> {
    const dialog = this.page.getByRole('dialog', { name: 'Your personal API key' });
    await expect(dialog).toBeVisible();
    const secret = await dialog.getByLabel('Your new API key').inputValue();
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(dialog.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
    const copied = await this.page.evaluate(() => navigator.clipboard.readText());
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
    return { secret, copied };
  }

  async turnOn() {
    await this.toggle().click();
    return this.takeShownKey();
  }

  async regenerate() {
    await this.page.getByRole('button', { name: 'Regenerate new key' }).click();
    const confirm = this.page.getByRole('dialog', { name: 'Regenerate your API key?' });
    await expect(
      confirm.getByText('Any integration using the old key stops working immediately'),
    ).toBeVisible();
    await confirm.getByRole('button', { name: 'Regenerate key' }).click();
    return this.takeShownKey();
  }
}
