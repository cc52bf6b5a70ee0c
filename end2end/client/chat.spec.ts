import { expect, test } from '@playwright/test';
import { apiUser, befriend, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

test.describe('chat screen (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('pulling to the top loads older history and text stays text', async ({ page, baseURL }) => {
    const me = { username: uniqueUsername(), password: uniquePassword() };
    const reader = await apiUser(baseURL, me.username, me.password);
    const writer = await apiUser(baseURL, uniqueUsername(), uniquePassword());
    try {
      const conversation = await befriend(writer, reader);
      for (let i = 1; i <= 55; i++) {
        const text = i === 1 ? '<b>first</b>' : `message ${i}`;
        await writer.call('send_message', {
          conversation_id: conversation,
          client_msg_id: `m-${i}`,
          body: { type: 'text', text },
        });
      }
      await logIn(page, me.username, me.password);
      await page.goto(`/chat/${conversation}`);
      const history = page.getByRole('list', { name: 'Messages' });
      await expect(history.getByText('message 55')).toBeVisible();
      await expect(history.getByText('message 5', { exact: true })).toHaveCount(0);
      // The newest page fills more than the screen; scrolling to the top loads the one before,
      // and the reader stays where they were (no jump back to the top).
      await expect(page.getByRole('button', { name: 'Load older messages' })).toBeAttached();
      // Scrolling reaches the app only once it has hydrated (the emoji button is enabled then).
      await expect(page.getByRole('button', { name: 'Emoji' })).toBeEnabled();
      await page.mouse.move(200, 400);
      await page.mouse.wheel(0, -100000);
      await expect(history.getByText('message 5', { exact: true })).toBeAttached();
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
      await expect(history.getByText('<b>first</b>', { exact: true })).toBeAttached();
      await expect(page.getByText('No older messages')).toBeVisible();
      await expect(history.locator('b')).toHaveCount(0);
    } finally {
      await reader.dispose();
      await writer.dispose();
    }
  });

  test('a failed send can be retried without duplicating', async ({ page, baseURL }) => {
    const me = { username: uniqueUsername(), password: uniquePassword() };
    const sender = await apiUser(baseURL, me.username, me.password);
    const friend = await apiUser(baseURL, uniqueUsername(), uniquePassword());
    try {
      const conversation = await befriend(sender, friend);
      await logIn(page, me.username, me.password);
      await page.goto(`/chat/${conversation}`);
      // Hydrated once the emoji button is enabled; only then does typing reach the app.
      await expect(page.getByRole('button', { name: 'Emoji' })).toBeEnabled();

      // The first attempt fails on the way.
      await page.route('**/api/send_message', (route) => route.abort());
      const text = `retry me ${randomSuffix()}`;
      await page.getByLabel('Message', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      const history = page.getByRole('list', { name: 'Messages' });
      await expect(history.getByRole('alert').filter({ hasText: 'Not sent' })).toBeVisible();
      await page.unroute('**/api/send_message');

      await history.getByRole('button', { name: 'Retry' }).click();
      await expect(history.getByText('Not sent')).toHaveCount(0);
      await expect(history.getByText(text)).toHaveCount(1);
      const stored = await friend.call('list_messages', { conversation_id: conversation, before_seq: null, limit: 10 });
      const texts = stored.filter((m: { body: { type: string } }) => m.body.type === 'text');
      expect(texts.map((m: { body: { text: string } }) => m.body.text)).toEqual([text]);

      // The emoji picker inserts at the caret.
      await page.getByLabel('Message', { exact: true }).fill('ab');
      await page.getByLabel('Message', { exact: true }).evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(1, 1));
      await page.getByRole('button', { name: 'Emoji' }).click();
      await page.getByRole('group', { name: 'Emoji' }).getByRole('button', { name: '😀' }).click();
      await expect(page.getByLabel('Message', { exact: true })).toHaveValue('a😀b');
    } finally {
      await sender.dispose();
      await friend.dispose();
    }
  });
});
