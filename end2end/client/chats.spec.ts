import { expect, test } from '@playwright/test';
import { apiUser, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

test.describe('chats (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('a friend’s messages show in Chats with an unread count', async ({ page, baseURL }) => {
    const base = (baseURL ?? '').replace(/\/+$/, '');
    const reader = { username: uniqueUsername(), password: uniquePassword() };
    const readerApi = await apiUser(base, reader.username, reader.password);
    const writer = await apiUser(base, uniqueUsername(), uniquePassword());
    try {
      const sent = await writer.call('send_friend_request', { user_id: readerApi.id, note: 'hi' });
      await readerApi.call('respond_friend_request', { request_id: sent.id, accept: true });
      const friends = await writer.call('list_friends', {});
      const conversation = friends[0].conversation_id;
      const text = `hello ${randomSuffix()}`;
      for (const [i, body] of ['first', text].entries()) {
        await writer.call('send_message', {
          conversation_id: conversation,
          client_msg_id: `e2e-${i}`,
          body: { type: 'text', text: body },
        });
      }

      await logIn(page, reader.username, reader.password);

      const list = page.getByRole('list', { name: 'Chats' });
      const row = list.getByRole('listitem').filter({ hasText: text });
      await expect(row).toBeVisible();
      await expect(row.getByLabel('2 unread')).toHaveText('2');

      await readerApi.call('mark_read', { conversation_id: conversation, seq: 2 });
      await page.reload();
      await expect(list.getByRole('listitem').filter({ hasText: text })).toBeVisible();
      await expect(page.getByLabel('2 unread')).toHaveCount(0);
    } finally {
      await readerApi.dispose();
      await writer.dispose();
    }
  });
});
