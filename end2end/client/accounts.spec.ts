import { expect, test } from '@playwright/test';
import { atPath, randomSuffix, signUpThroughApi, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

test.describe('accounts (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('sign up, edit the nickname, log out and back in', async ({ page }) => {
    const username = uniqueUsername();
    const password = uniquePassword();
    const nickname = `Nick ${randomSuffix()}`;

    await page.goto('/signup');
    await waitForHydration(page);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Confirm password', { exact: true }).fill(password);
    // Enabled once the page has hydrated; click waits for that.
    await page.getByRole('button', { name: 'Sign up' }).click();

    await expect(page).toHaveURL(atPath('/'));
    // A new account starts with its chat with the assistant: greeted, nothing unread.
    const chats = page.getByRole('list', { name: 'Chats' });
    await expect(chats.getByRole('listitem')).toHaveCount(1);
    const assistant = chats.getByRole('listitem').filter({ hasText: 'Parley Assistant' });
    await expect(assistant).toContainText('Parley');
    await expect(assistant.getByLabel(/unread/)).toHaveCount(0);
    await assistant.getByRole('link').click();
    await expect(page.getByRole('list', { name: 'Messages' }).getByText("Hi! I'm Parley Assistant", { exact: false })).toBeVisible();
    await page.getByRole('link', { name: 'Back' }).click();
    const tabs = page.getByRole('navigation', { name: 'Tabs' });
    for (const tab of ['Chats', 'Contacts', 'Discover', 'Me']) {
      await expect(tabs.getByRole('link', { name: tab })).toBeVisible();
    }

    await tabs.getByRole('link', { name: 'Me' }).click();
    await expect(page).toHaveURL(atPath('/me'));
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Nickname').fill(nickname);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText(nickname, { exact: true })).toBeVisible();

    const devices = page.getByRole('region', { name: 'Logged-in devices' });
    await expect(devices.getByText('This device')).toBeVisible();

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(page).toHaveURL(atPath('/login'));
    await waitForHydration(page);

    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(atPath('/'));

    await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Me' }).click();
    await expect(page).toHaveURL(atPath('/me'));
    await expect(page.getByText(nickname, { exact: true })).toBeVisible();
  });

  test('a wrong password is refused with an alert', async ({ page, baseURL }) => {
    const username = uniqueUsername();
    await signUpThroughApi(baseURL, username, uniquePassword());

    await page.goto('/login');
    await waitForHydration(page);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(`wrong-${randomSuffix()}`);
    await page.getByRole('button', { name: 'Log in' }).click();

    await expect(page.getByRole('alert').filter({ hasText: 'Wrong username or password' })).toBeVisible();
    await expect(page).toHaveURL(atPath('/login'));
  });
});

test.describe('language', () => {
  // No language cookie: Parley starts in Chinese. The browser's own language is Chinese too,
  // so the result does not depend on how the server treats Accept-Language.
  test.use({ locale: 'zh-CN' });

  test('the log-in page is Chinese by default and switches to English', async ({ page }) => {
    await page.goto('/login');
    await waitForHydration(page);
    await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('button', { name: 'Log in', exact: true })).toBeVisible();
  });
});
