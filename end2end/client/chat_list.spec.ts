import { devices, expect, test } from '@playwright/test';
import { apiUser, befriend, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

test('pin and mute from the list, and jump to the first of many new messages', async ({ browser, baseURL }) => {
  test.setTimeout(60_000);
  const tag = randomSuffix();
  const a = { username: uniqueUsername(), password: uniquePassword() };
  const apiA = await apiUser(baseURL, a.username, a.password);
  const apiB = await apiUser(baseURL, uniqueUsername(), uniquePassword());
  const apiC = await apiUser(baseURL, uniqueUsername(), uniquePassword());
  const withB = await befriend(apiA, apiB);
  const withC = await befriend(apiA, apiC);
  await apiC.call('send_message', { conversation_id: withC, client_msg_id: `c-${tag}`, body: { type: 'text', text: `from c ${tag}` } });
  for (let i = 0; i < 12; i++) {
    await apiB.call('send_message', { conversation_id: withB, client_msg_id: `b${i}-${tag}`, body: { type: 'text', text: `b says ${i} ${tag}` } });
  }

  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  const page = await context.newPage();
  try {
    await logIn(page, a.username, a.password);
    const list = page.getByRole('list', { name: 'Chats' });
    const rowB = list.getByRole('listitem').filter({ hasText: `b says 11 ${tag}` });
    const rowC = list.getByRole('listitem').filter({ hasText: `from c ${tag}` });
    await expect(rowB).toBeVisible();
    await expect(list.getByRole('listitem').first()).toContainText(`b says 11 ${tag}`);
    const tabs = page.getByRole('navigation', { name: 'Tabs' });
    await expect(tabs.getByLabel('13 unread')).toBeVisible();

    // Pin C from a long press: it moves to the top.
    await rowC.click({ button: 'right' });
    const menu = page.getByRole('dialog', { name: 'Chat actions' });
    await menu.getByRole('menuitem', { name: 'Pin to top' }).click();
    await expect(list.getByRole('listitem').first()).toContainText(`from c ${tag}`);
    await expect(rowC).toHaveClass(/pinned/);

    // Mute B: a muted icon and a grey dot instead of a count, and it leaves the tab's total.
    await rowB.click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Mute notifications' }).click();
    await expect(rowB.getByRole('img', { name: 'Muted' })).toBeVisible();
    await expect(rowB.locator('.muted-dot')).toBeVisible();
    await expect(rowB.getByLabel('12 unread')).toHaveCount(0);
    await expect(tabs.getByLabel('1 unread')).toBeVisible();
    // Still so after a reload: the flags are the server's.
    await page.reload();
    await expect(rowB.getByRole('img', { name: 'Muted' })).toBeVisible();
    await expect(list.getByRole('listitem').first()).toContainText(`from c ${tag}`);

    // Opening B's chat offers the jump to the first of the twelve.
    await rowB.getByRole('link').click();
    const jump = page.getByRole('button', { name: /12 new messages/ });
    await expect(jump).toBeVisible();
    await jump.click();
    const first = page.getByRole('list', { name: 'Messages' }).getByText(`b says 0 ${tag}`);
    await expect(first).toBeInViewport();
    await expect(jump).toHaveCount(0);
  } finally {
    await context.close();
    await apiA.dispose();
    await apiB.dispose();
    await apiC.dispose();
  }
});
