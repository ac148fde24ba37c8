import { expect, type Page } from '@playwright/test';

/** /admin/security: the organisation's API access switch and API Management. */
export class SecurityPage {
  constructor(readonly page: Page) {}

  readonly apiAccess = () => this.page.getByRole('switch', { name: 'API access for non-admins' });
  readonly apiAccessState = () => this.page.getByTestId('api-access-state');
  readonly keysTable = () => this.page.getByRole('table', { name: 'Personal API keys' });
  readonly rowOf = (email: string) => this.keysTable().getByRole('row').filter({ hasText: email });

  async goto() {
    await this.page.goto('/admin/security');
    await expect(this.page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
  }

  async allowApiAccess() {
    await expect(this.apiAccessState()).toHaveText('Not allowed');
    await this.apiAccess().click();
    await expect(this.apiAccessState()).toHaveText('Allowed');
  }

  async forbidApiAccess() {
    await expect(this.apiAccessState()).toHaveText('Allowed');
    await this.apiAccess().click();
    const confirm = this.page.getByRole('dialog', { name: 'Turn off API access for non-admins?' });
    await confirm.getByRole('button', { name: 'Turn off' }).click();
    await expect(this.apiAccessState()).toHaveText('Not allowed');
  }

  async clearKeyOf(email: string) {
    await this.page.getByRole('button', { name: `Clear API key of ${email}` }).click();
    const confirm = this.page.getByRole('dialog', { name: /Clear the API key of/ });
    await expect(confirm).toContainText('must generate a new key');
    await confirm.getByRole('button', { name: 'Clear API key' }).click();
    await expect(confirm).toBeHidden();
  }

  /** Back to the demo's state (for retries): switch not allowed, no personal key for `email`. */
  async reset(email: string) {
    await this.goto();
    if ((await this.page.getByRole('button', { name: `Clear API key of ${email}` }).count()) > 0) {
      await this.clearKeyOf(email);
    }
    if ((await this.apiAccessState().textContent()) === 'Allowed') await this.forbidApiAccess();
  }
}
