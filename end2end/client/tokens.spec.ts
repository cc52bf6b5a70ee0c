import { expect, request, test } from '@playwright/test';
import { atPath, randomSuffix, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

test.describe('personal access tokens (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('a user makes a write token on the Me page, a script sends with it, revoking ends it', async ({ page, baseURL }) => {
    test.setTimeout(90_000);
    const base = (baseURL ?? '').replace(/\/+$/, '');
    const username = uniqueUsername();
    const password = uniquePassword();
    await page.goto('/signup');
    await waitForHydration(page);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Confirm password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(atPath('/'));

    await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Me' }).click();
    await page.getByRole('link', { name: 'Access tokens' }).click();
    await expect(page).toHaveURL(atPath('/me/tokens'));
    await expect(page.getByText('No access tokens yet')).toBeVisible();
    const create = page.getByRole('button', { name: 'Create token' });
    await expect(create).toBeEnabled();
    await create.click();
    await expect(page.getByText('Give the token a name')).toBeVisible();

    // Read is always on; the admin scope is not offered to a non-administrator.
    await expect(page.locator('#token-scope-read')).toBeChecked();
    await expect(page.locator('#token-scope-read')).toBeDisabled();
    await expect(page.locator('#token-scope-admin')).toHaveCount(0);
    await page.locator('#token-name').fill('Deploy notices');
    await page.locator('#token-scope-write').check();
    await page.locator('#token-expiry').selectOption('7');
    await create.click();

    const secretInput = page.getByTestId('token-secret');
    await expect(secretInput).toHaveValue(/\S{20,}/);
    const secret = await secretInput.inputValue();
    await expect(page.getByText('Copy this token now: it is shown only once.')).toBeVisible();
    const row = page.getByTestId('token').filter({ hasText: 'Deploy notices' });
    await expect(row).toHaveCount(1);
    await expect(row.locator('.token-scope-badge[data-scope=write]')).toBeVisible();

    // A script with the token: it reads and sends, but cannot manage the account.
    const script = await request.newContext({
      baseURL: base,
      extraHTTPHeaders: { Authorization: `Bearer ${secret}` },
    });
    try {
      const me = await script.post('/api/current_user', { data: {} });
      expect(me.status()).toBe(200);
      expect((await me.json()).username).toBe(username);
      const sessions = await script.post('/api/list_sessions', { data: {} });
      expect(sessions.status()).toBe(403);
      const chats = await script.post('/api/list_conversations', { data: {} });
      expect(chats.status()).toBe(200);
      // Write: the script changes the profile, which the page shows.
      const nickname = `Deployer ${randomSuffix()}`;
      const updated = await script.post('/api/update_profile', { data: { nickname, signature: '' } });
      expect(updated.status(), await updated.text()).toBe(200);
      expect((await (await script.post('/api/current_user', { data: {} })).json()).nickname).toBe(nickname);

      // Revoked from the page: the script is refused at once.
      await row.getByRole('button', { name: 'Revoke token Deploy notices' }).click();
      await expect(row.getByRole('alertdialog')).toContainText('The token stops working at once');
      await row.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByTestId('token').filter({ hasText: 'Deploy notices' })).toHaveCount(0);
      const refused = await script.post('/api/list_conversations', { data: {} });
      expect(refused.status()).toBe(401);
    } finally {
      await script.dispose();
    }
  });
});
