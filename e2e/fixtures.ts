import { test as base, expect, type Page } from '@playwright/test';
import { DEMO, E2E_PASSWORD } from './config';
import { LoginPage } from './pages/login-page';

type Fixtures = {
  loginPage: LoginPage;
  /** Sign in as one of the demo accounts and land on the app. */
  signInAs: (who: keyof typeof DEMO) => Promise<Page>;
};

export const test = base.extend<Fixtures>({
  loginPage: async ({ page }, use) => {
    await use(new LoginPage(page));
  },
  signInAs: async ({ page }, use) => {
    await use(async (who) => {
      const login = new LoginPage(page);
      await login.goto();
      await login.signIn(DEMO[who], E2E_PASSWORD);
      await expect(page).not.toHaveURL(/\/login/);
      return page;
    });
  },
});

export { expect };
