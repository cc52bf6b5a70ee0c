import { expect, test } from '@playwright/test';
import { apiUser, atPath, befriend, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

test.describe('contacts (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('friends are grouped by letter; remark and removal from the profile', async ({ page, baseURL }) => {
    const me = { username: uniqueUsername(), password: uniquePassword() };
    const owner = await apiUser(baseURL, me.username, me.password);
    const friendName = uniqueUsername();
    const friend = await apiUser(baseURL, friendName, uniquePassword());
    try {
      await befriend(friend, owner);
      await logIn(page, me.username, me.password);
      await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Contacts' }).click();
      const list = page.getByRole('region', { name: 'Friends' });
      await expect(list.getByRole('heading', { name: 'E', exact: true })).toBeVisible();
      await list.getByRole('link', { name: friendName }).click();
      await expect(page).toHaveURL(/\/contacts\/\d+$/);
      await expect(page.getByText(`Username: ${friendName}`)).toBeVisible();

      const remark = `Zed ${randomSuffix()}`;
      await page.getByRole('button', { name: 'Set remark' }).click();
      await page.getByLabel('Remark').fill(remark);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.getByRole('heading', { name: remark })).toBeVisible();

      await page.getByRole('link', { name: 'Back' }).click();
      await expect(list.getByRole('heading', { name: 'Z', exact: true })).toBeVisible();
      await list.getByRole('link', { name: remark }).click();

      await page.getByRole('button', { name: 'Remove friend' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(page).toHaveURL(atPath('/contacts'));
      // Only the assistant every account has is left.
      await expect(list.getByRole('link', { name: remark })).toHaveCount(0);
      await expect(list.getByRole('link')).toHaveCount(1);
      await expect(list.getByRole('link', { name: 'Parley Assistant' })).toBeVisible();
    } finally {
      await owner.dispose();
      await friend.dispose();
    }
  });

  test('searching an unknown name says so and errors are translated', async ({ page, baseURL }) => {
    const me = { username: uniqueUsername(), password: uniquePassword() };
    const user = await apiUser(baseURL, me.username, me.password);
    try {
      await logIn(page, me.username, me.password);
      await page.goto('/contacts/add');
      // Hydrated once the Search button is enabled; only then does typing reach the app.
      await expect(page.getByRole('button', { name: 'Search', exact: true })).toBeEnabled();
      await page.getByLabel('Search', { exact: true }).fill(`nobody_${randomSuffix()}`);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByText('No matching results')).toBeVisible();
      await page.getByLabel('Search', { exact: true }).fill(me.username);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByRole('list', { name: 'Search results' }).getByText('You')).toBeVisible();
      await page.getByLabel('Search', { exact: true }).fill('x'.repeat(65));
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByRole('alert')).toContainText('too long');
    } finally {
      await user.dispose();
    }
  });
});
