import { expect, test } from '@playwright/test';
import { apiUser, befriend, logIn, openChat, phone, randomSuffix, uniquePassword, uniqueUsername } from '../support';

test('presence and read receipts in the header and under messages, typing shows in the header, an @mention marks the chat', async ({ browser, baseURL }) => {
  test.setTimeout(60_000);
  const tag = randomSuffix();
  const a = { username: uniqueUsername(), password: uniquePassword() };
  const b = { username: uniqueUsername(), password: uniquePassword() };
  const apiA = await apiUser(baseURL, a.username, a.password);
  const apiB = await apiUser(baseURL, b.username, b.password);
  const direct = await befriend(apiA, apiB);
  const group = await apiA.call('create_group', { name: `crew ${tag}`, member_ids: [apiB.id] });

  const pageA = await phone(browser, baseURL);
  const pageB = await phone(browser, baseURL);
  try {
    await logIn(pageA, a.username, a.password);
    await logIn(pageB, b.username, b.password);

    // A writes while B is elsewhere: "Unread", then "Read" once B opens the chat.
    await openChat(pageA, direct);
    // B has the app open: A's header says so.
    await expect(pageA.getByRole('banner').getByText('Online', { exact: true })).toBeVisible();
    const historyA = pageA.getByRole('list', { name: 'Messages' });
    await pageA.getByLabel('Message', { exact: true }).fill(`hello ${tag}`);
    await pageA.getByLabel('Message', { exact: true }).press('Enter');
    const mine = historyA.locator('.message.mine').filter({ hasText: `hello ${tag}` });
    await expect(mine.locator('.receipt')).toHaveText('Unread');
    await pageB.getByRole('list', { name: 'Chats' }).getByRole('listitem').filter({ hasText: `hello ${tag}` }).getByRole('link').click();
    await expect(pageB.getByRole('list', { name: 'Messages' }).getByText(`hello ${tag}`)).toBeVisible();
    await expect(mine.locator('.receipt')).toHaveText('Read');

    // B types: A sees "typing…" in the header.
    await pageB.getByLabel('Message', { exact: true }).pressSequentially('on my way', { delay: 20 });
    await expect(pageA.getByRole('banner').getByText('typing…')).toBeVisible();

    // In the group, A mentions B with the @ picker; B's Chats row shows [@me] until read.
    await pageB.goto('/');
    await openChat(pageA, group.conversation_id);
    const input = pageA.getByLabel('Message', { exact: true });
    await input.pressSequentially('@');
    const picker = pageA.getByRole('dialog', { name: 'Choose who to mention' });
    await picker.getByRole('button', { name: b.username }).click();
    await expect(input).toHaveValue(`@${b.username} `);
    await input.pressSequentially(`see this ${tag}`);
    await input.press('Enter');
    const groupMine = pageA.getByRole('list', { name: 'Messages' }).locator('.message.mine').filter({ hasText: `see this ${tag}` });
    await expect(groupMine.locator('.mention')).toHaveText(`@${b.username}`);
    await expect(groupMine.locator('.receipt')).toHaveText('1 unread');
    const row = pageB.getByRole('list', { name: 'Chats' }).getByRole('listitem').filter({ hasText: `crew ${tag}` });
    await expect(row.getByText('[@me]')).toBeVisible();
    await row.getByRole('link').click();
    await expect(pageB.getByRole('list', { name: 'Messages' }).locator('.mention.me')).toHaveText(`@${b.username}`);
    await expect(groupMine.locator('.receipt')).toHaveText('All read');
    await pageB.goto('/');
    await expect(row).toBeVisible();
    await expect(row.getByText('[@me]')).toHaveCount(0);
  } finally {
    await pageA.context().close();
    await pageB.context().close();
    await apiA.dispose();
    await apiB.dispose();
  }
});
