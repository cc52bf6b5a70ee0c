import { devices, expect, test } from '@playwright/test';
import { apiUser, befriend, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

test('search finds a contact and a Chinese message, and opens the chat at it', async ({ browser, baseURL }) => {
  test.setTimeout(60_000);
  const tag = randomSuffix();
  const a = { username: uniqueUsername(), password: uniquePassword() };
  const bName = uniqueUsername();
  const apiA = await apiUser(baseURL, a.username, a.password);
  const apiB = await apiUser(baseURL, bName, uniquePassword());
  const conv = await befriend(apiA, apiB);
  await apiB.call('send_message', { conversation_id: conv, client_msg_id: `t-${tag}`, body: { type: 'text', text: `明天下午三点开会 ${tag}` } });
  // More than a page after it, so the chat must load the history around it.
  for (let i = 0; i < 55; i++) {
    await apiB.call('send_message', { conversation_id: conv, client_msg_id: `f${i}-${tag}`, body: { type: 'text', text: `later ${i}` } });
  }

  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  const page = await context.newPage();
  try {
    await logIn(page, a.username, a.password);
    await page.getByRole('link', { name: /Search/ }).click();
    const box = page.getByRole('searchbox', { name: 'Search' });
    await expect(box).toBeEnabled();

    // A contact by name.
    await box.fill(bName);
    await expect(page.getByRole('region', { name: 'Contacts' }).getByText(bName)).toBeVisible();

    // A message by two Chinese characters and a word, the match marked.
    await box.fill(`开会 ${tag}`);
    const messages = page.getByRole('region', { name: 'Messages' });
    const hit = messages.getByRole('link').filter({ hasText: `明天下午三点开会 ${tag}` });
    await expect(hit).toBeVisible();
    await expect(hit.locator('mark').first()).toHaveText('开会');
    // One character finds it too.
    await box.fill('会');
    await expect(messages.getByRole('link').filter({ hasText: `明天下午三点开会 ${tag}` })).toBeVisible();
    await box.fill(`开会 ${tag}`);
    await hit.click();

    await expect(page).toHaveURL(new RegExp(`/chat/${conv}\\?seq=`));
    const found = page.getByRole('list', { name: 'Messages' }).getByText(`明天下午三点开会 ${tag}`);
    await expect(found).toBeInViewport();
  } finally {
    await context.close();
    await apiA.dispose();
    await apiB.dispose();
  }
});
