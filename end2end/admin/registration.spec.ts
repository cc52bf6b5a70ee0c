import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

// Both tests save the whole settings form: one at a time, or one would undo the other.
test.describe.configure({ mode: 'serial' });

test('an administrator closes registration: sign-up is refused until it is opened again', async ({ page, browser, baseURL }) => {
  await useEnglish(page.context(), baseURL);
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  const closed = page.getByRole('radio', { name: /^Closed/ });
  const open = page.getByRole('radio', { name: /^Open/ });
  await expect(open).toBeChecked();
  await closed.check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  const visitor = await browser.newContext({ baseURL });
  await useEnglish(visitor, baseURL);
  const phone = await visitor.newPage();
  try {
    const signUp = async () => {
      await phone.goto('/signup');
      await waitForHydration(phone);
      const password = uniquePassword();
      await phone.getByLabel('Username', { exact: true }).fill(uniqueUsername());
      await phone.getByLabel('Password', { exact: true }).fill(password);
      await phone.getByLabel('Confirm password', { exact: true }).fill(password);
      await phone.getByRole('button', { name: 'Sign up' }).click();
    };
    await signUp();
    await expect(phone.getByRole('alert')).toContainText('Registration is closed');
  } finally {
    // Open again whatever happened: later runs against this server sign people up.
    await open.check();
    const reopened = page.waitForResponse((r) => r.url().endsWith('/api/admin_update_settings'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await reopened).ok()).toBeTruthy();
  }
  await phone.goto('/signup');
  await waitForHydration(phone);
  const password = uniquePassword();
  await phone.getByLabel('Username', { exact: true }).fill(uniqueUsername());
  await phone.getByLabel('Password', { exact: true }).fill(password);
  await phone.getByLabel('Confirm password', { exact: true }).fill(password);
  await phone.getByRole('button', { name: 'Sign up' }).click();
  await expect(phone).toHaveURL((u) => u.pathname === '/');
  await visitor.close();
});

test('the site name and log-in notice an administrator sets show on the phone’s log-in page', async ({ page, browser, baseURL }) => {
  await useEnglish(page.context(), baseURL);
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);
  await page.goto('/admin/settings');
  await waitForHydration(page);
  const name = page.getByLabel('Site name', { exact: true });
  const notice = page.getByLabel('Notice on the log-in pages (optional)', { exact: true });
  await expect(name).toHaveValue('Parley');
  await name.fill('Acme Chat');
  await notice.fill('Maintenance on Sunday night');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  const visitor = await browser.newContext({ baseURL });
  await useEnglish(visitor, baseURL);
  const phone = await visitor.newPage();
  try {
    await phone.goto('/login');
    await expect(phone.locator('.site-name')).toHaveText('Acme Chat');
    await expect(phone.getByRole('note')).toHaveText('Maintenance on Sunday night');
  } finally {
    await name.fill('Parley');
    await notice.fill('');
    const restored = page.waitForResponse((r) => r.url().endsWith('/api/admin_update_settings'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await restored).ok()).toBeTruthy();
    await visitor.close();
  }
});
