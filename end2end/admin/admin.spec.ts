import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, signUpThroughApi, uniquePassword, uniqueUsername, useEnglish } from '../support';

test.beforeEach(async ({ context, baseURL }) => {
  await useEnglish(context, baseURL);
});

test('an administrator finds a new user in the users table', async ({ page, baseURL }) => {
  const username = uniqueUsername();
  await signUpThroughApi(baseURL, username, uniquePassword());

  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);

  await page.goto('/admin/users');
  const search = page.getByLabel('Search', { exact: true });
  await search.fill(username);
  await search.press('Enter');

  const table = page.getByRole('table');
  const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: username, exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByText('User', { exact: true })).toBeVisible();
});

test('an account without the admin right is refused', async ({ page }) => {
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('user');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();

  await expect(page.getByText('This account has no admin right')).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);

  // Going straight to the users page does not show the table either.
  await page.goto('/admin/users');
  const refusedOrAskedToLogIn = page
    .getByText('This account has no admin right')
    .or(page.getByRole('button', { name: 'Log in' }));
  await expect(refusedOrAskedToLogIn.first()).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
});
