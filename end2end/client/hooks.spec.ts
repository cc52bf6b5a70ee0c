import { expect, request, test, type APIRequestContext } from '@playwright/test';
import {
  apiUser,
  atPath,
  befriend,
  logIn,
  openChat,
  randomSuffix,
  uniquePassword,
  uniqueUsername,
  useEnglish,
} from '../support';

test.describe('incoming webhooks (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('a group owner makes a webhook, a program posts through its URL, deleting it retires the URL', async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(90_000);
    const owner = { username: uniqueUsername(), password: uniquePassword() };
    const friend = { username: uniqueUsername(), password: uniquePassword() };
    const apiOwner = await apiUser(baseURL, owner.username, owner.password);
    const apiFriend = await apiUser(baseURL, friend.username, friend.password);
    // A program with no cookie at all: the secret URL is all it has.
    const program: APIRequestContext = await request.newContext();
    try {
      await befriend(apiOwner, apiFriend);
      const group = await apiOwner.call('create_group', {
        name: `Builds ${randomSuffix()}`,
        member_ids: [apiFriend.id],
      });
      await logIn(page, owner.username, owner.password);

      // Group info → Incoming webhooks.
      await page.goto(`/group/${group.id}`);
      await page.getByRole('link', { name: 'Incoming webhooks' }).click();
      await expect(page).toHaveURL(atPath(`/group/${group.id}/hooks`));
      await expect(page.getByRole('heading', { name: 'Incoming webhooks' })).toBeVisible();
      await expect(page.getByText('No webhooks yet')).toBeVisible();

      const create = page.getByRole('button', { name: 'Create webhook' });
      await expect(create).toBeEnabled({ timeout: 15_000 }); // hydrated: typing before that would be lost
      await page.getByLabel('Webhook name', { exact: true }).fill('CI 构建');
      await create.click();

      // The URL, shown once.
      await expect(page.getByText('Copy this URL now: it is shown only once.')).toBeVisible();
      const urlInput = page.getByTestId('hook-url');
      await expect(urlInput).toHaveValue(/\/hooks\/\S+$/);
      await expect(urlInput).toHaveJSProperty('readOnly', true);
      await expect(page.getByLabel('Webhook URL', { exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
      const url = await urlInput.inputValue();
      await expect(
        page.getByText(`curl -X POST -H 'Content-Type: application/json' -d '{"text":"Hello"}' ${url}`),
      ).toBeVisible();

      // Listed with its maker.
      const row = page.getByTestId('hook').filter({ hasText: 'CI 构建' });
      await expect(row).toHaveCount(1);
      await expect(row).toContainText(`by @${owner.username}`);

      // A program posts through the URL; the group sees it.
      const text = 'Build passed';
      const posted = await program.post(url, { data: { text } });
      expect(posted.status(), await posted.text()).toBe(200);
      await openChat(page, group.conversation_id);
      await expect(page.getByRole('list', { name: 'Messages' }).getByText(text)).toBeVisible();

      // Deleting the webhook (asked in the page first) retires its URL.
      await page.goto(`/group/${group.id}`);
      await page.getByRole('link', { name: 'Incoming webhooks' }).click();
      await expect(page).toHaveURL(atPath(`/group/${group.id}/hooks`));
      await expect(create).toBeEnabled({ timeout: 15_000 });
      await expect(page.getByTestId('hook-url')).toHaveCount(0); // never shown again
      await row.getByRole('button', { name: 'Delete' }).click();
      await expect(row.getByRole('alertdialog')).toContainText('The URL stops working at once');
      await row.getByRole('button', { name: 'Confirm' }).click();
      await expect(row).toHaveCount(0);
      await expect(page.getByText('No webhooks yet')).toBeVisible();
      const gone = await program.post(url, { data: { text: 'Build passed' } });
      expect(gone.status(), await gone.text()).toBe(404);
    } finally {
      await program.dispose();
      await Promise.all([apiOwner.dispose(), apiFriend.dispose()]);
    }
  });

  test('either side of a direct chat makes a webhook; its posts show under its own name, not the friend\'s', async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(90_000);
    const me = { username: uniqueUsername(), password: uniquePassword() };
    const friend = { username: uniqueUsername(), password: uniquePassword() };
    const apiMe = await apiUser(baseURL, me.username, me.password);
    const apiFriend = await apiUser(baseURL, friend.username, friend.password);
    const program: APIRequestContext = await request.newContext();
    try {
      const conversation = await befriend(apiMe, apiFriend);
      await logIn(page, me.username, me.password);

      // The friend's profile → Incoming webhooks.
      await page.goto(`/contacts/${apiFriend.id}`);
      await page.getByRole('link', { name: 'Incoming webhooks' }).click();
      await expect(page).toHaveURL(atPath(`/chat/${conversation}/hooks`));
      await expect(page.getByText('No webhooks yet')).toBeVisible();
      const create = page.getByRole('button', { name: 'Create webhook' });
      await expect(create).toBeEnabled({ timeout: 15_000 });
      await page.getByLabel('Webhook name', { exact: true }).fill('Alerts');
      await create.click();
      const url = await page.getByTestId('hook-url').inputValue();
      expect(url).toMatch(/\/hooks\/\S+$/);
      await expect(page.getByTestId('hook').filter({ hasText: 'Alerts' })).toHaveCount(1);

      // The friend sees it in their own list of the chat's webhooks.
      const theirs = await apiFriend.call('list_incoming_webhooks', { conversation_id: conversation });
      expect(theirs.map((h: { name: string }) => h.name)).toEqual(['Alerts']);

      const posted = await program.post(url, { data: { text: 'Disk 91% full' } });
      expect(posted.status(), await posted.text()).toBe(200);
      await apiFriend.call('send_message', {
        conversation_id: conversation,
        client_msg_id: `e2e-${randomSuffix()}`,
        body: { type: 'text', text: 'I saw it' },
      });

      // In the chat: the webhook's message is named "Alerts"; the chat stays the friend's.
      await openChat(page, conversation);
      const messages = page.getByRole('list', { name: 'Messages' });
      const alert = messages.locator('li.message').filter({ hasText: 'Disk 91% full' });
      await expect(alert.locator('.sender-name')).toHaveText('Alerts');
      const reply = messages.locator('li.message').filter({ hasText: 'I saw it' });
      await expect(reply.locator('.sender-name')).toHaveCount(0);
      await page.goto('/');
      const row = page.locator(`a[href="/chat/${conversation}"]`);
      await expect(row).toContainText(friend.username);
    } finally {
      await program.dispose();
      await Promise.all([apiMe.dispose(), apiFriend.dispose()]);
    }
  });
});
