import { expect, test, type Page } from '@playwright/test';
import { apiUser, befriend, logIn, openChat, phone, randomSuffix, uniquePassword, uniqueUsername } from '../support';

/** Opens the actions of the message showing `text` (a long press; the context menu here). */
async function openMenu(page: Page, text: string) {
  const bubble = page.getByRole('list', { name: 'Messages' }).locator('.bubble-wrap').filter({ hasText: text }).last();
  await bubble.click({ button: 'right' });
  const menu = page.getByRole('dialog', { name: 'Message actions' });
  await expect(menu).toBeVisible();
  return menu;
}

test('reply with a quote and jump, react, edit, recall and forward between two phones', async ({ browser, baseURL }) => {
  // Two phones, three users and a page and a half of history: longer than the default.
  test.setTimeout(120_000);
  const tag = randomSuffix();
  const a = { username: uniqueUsername(), password: uniquePassword() };
  const b = { username: uniqueUsername(), password: uniquePassword() };
  const c = { username: uniqueUsername(), password: uniquePassword() };
  const apiA = await apiUser(baseURL, a.username, a.password);
  const apiB = await apiUser(baseURL, b.username, b.password);
  const apiC = await apiUser(baseURL, c.username, c.password);
  const conv = await befriend(apiA, apiB);
  const toC = await befriend(apiA, apiC);
  // An old message, then more than a page of newer ones, then A's reply quoting the old one.
  const original = await apiB.call('send_message', { conversation_id: conv, client_msg_id: `o-${tag}`, body: { type: 'text', text: `original ${tag}` } });
  for (let i = 0; i < 55; i++) {
    await apiB.call('send_message', { conversation_id: conv, client_msg_id: `f${i}-${tag}`, body: { type: 'text', text: `filler ${i} ${tag}` } });
  }
  await apiA.call('send_message', { conversation_id: conv, client_msg_id: `r-${tag}`, body: { type: 'text', text: `about that ${tag}` }, reply_to: original.id });

  const pageA = await phone(browser, baseURL);
  const pageB = await phone(browser, baseURL);
  try {
    await logIn(pageB, b.username, b.password);
    await openChat(pageB, conv);
    const historyB = pageB.getByRole('list', { name: 'Messages' });
    // The reply shows its quote; tapping it loads the history around the original.
    const quote = historyB.locator('.quote').filter({ hasText: `original ${tag}` });
    await expect(quote).toBeVisible();
    await expect(historyB.locator('.bubble-text').filter({ hasText: `original ${tag}` })).toHaveCount(0);
    await quote.click();
    const originalBubble = historyB.locator('.bubble-text').filter({ hasText: `original ${tag}` });
    await expect(originalBubble).toBeVisible();
    await expect(originalBubble).toBeInViewport();

    await logIn(pageA, a.username, a.password);
    await openChat(pageA, conv);
    const historyA = pageA.getByRole('list', { name: 'Messages' });
    await expect(historyA.getByText(`filler 54 ${tag}`)).toBeVisible();

    // Reply from the menu.
    let menu = await openMenu(pageA, `filler 54 ${tag}`);
    await menu.getByRole('menuitem', { name: 'Reply' }).click();
    await expect(pageA.getByText(`Replying to ${b.username}: filler 54 ${tag}`)).toBeVisible();
    await pageA.getByLabel('Message', { exact: true }).fill(`got it ${tag}`);
    await pageA.getByLabel('Message', { exact: true }).press('Enter');
    const replyB = historyB.locator('.message').filter({ hasText: `got it ${tag}` });
    await expect(replyB.locator('.quote')).toContainText(`filler 54 ${tag}`);

    // React: B sees who reacted.
    menu = await openMenu(pageA, `filler 54 ${tag}`);
    await menu.getByRole('button', { name: 'React with 👍' }).click();
    const reaction = historyB.locator('.message').filter({ hasText: `filler 54 ${tag}` }).getByRole('button', { name: `${a.username} reacted 👍` });
    await expect(reaction).toBeVisible();
    await expect(reaction).toContainText(a.username);

    // Edit: B sees the new text and "Edited".
    menu = await openMenu(pageA, `got it ${tag}`);
    await menu.getByRole('menuitem', { name: 'Edit' }).click();
    await expect(pageA.getByText('Editing message')).toBeVisible();
    await expect(pageA.getByLabel('Message', { exact: true })).toHaveValue(`got it ${tag}`);
    await pageA.getByLabel('Message', { exact: true }).fill(`got it, thanks ${tag}`);
    await pageA.getByRole('button', { name: 'Save', exact: true }).click();
    const edited = historyB.locator('.message').filter({ hasText: `got it, thanks ${tag}` });
    await expect(edited.getByText('Edited')).toBeVisible();

    // Recall: gone on both phones, "Re-edit" offered to the sender.
    menu = await openMenu(pageA, `got it, thanks ${tag}`);
    await menu.getByRole('menuitem', { name: 'Recall' }).click();
    await menu.getByRole('button', { name: 'Recall', exact: true }).click();
    await expect(historyA.getByText('You recalled a message')).toBeVisible();
    await expect(historyB.getByText(`${a.username} recalled a message`)).toBeVisible();
    await expect(historyB.getByText(`got it, thanks ${tag}`)).toHaveCount(0);
    await historyA.getByRole('button', { name: 'Re-edit' }).click();
    await expect(pageA.getByLabel('Message', { exact: true })).toHaveValue(`got it, thanks ${tag}`);
    await pageA.getByLabel('Message', { exact: true }).fill('');

    // Forward one message to another conversation.
    menu = await openMenu(pageA, `filler 53 ${tag}`);
    await menu.getByRole('menuitem', { name: 'Forward' }).click();
    const picker = pageA.getByRole('dialog', { name: 'Forward to' });
    await picker.getByLabel(c.username).check();
    await picker.getByRole('button', { name: 'Send (1)' }).click();
    await expect(pageA.getByRole('status').filter({ hasText: 'Forwarded' })).toBeVisible();

    // Select two and forward them merged as chat history.
    menu = await openMenu(pageA, `filler 52 ${tag}`);
    await menu.getByRole('menuitem', { name: 'Select' }).click();
    await historyA.locator('.message').filter({ hasText: `filler 51 ${tag}` }).click();
    await expect(pageA.getByText('2 selected')).toBeVisible();
    await pageA.getByRole('button', { name: 'Forward as chat history' }).click();
    await picker.getByLabel(c.username).check();
    await picker.getByRole('button', { name: 'Send (1)' }).click();
    await expect(pageA.getByText('2 selected')).toHaveCount(0);

    // In the chat with C: the single copy and the card, which opens the two messages.
    await openChat(pageA, toC);
    const historyC = pageA.getByRole('list', { name: 'Messages' });
    await expect(historyC.getByText(`filler 53 ${tag}`)).toBeVisible();
    const card = historyC.getByRole('button', { name: new RegExp(`Chat history: ${a.username} and ${b.username}`) });
    await card.click();
    const view = pageA.getByRole('dialog', { name: `Chat history: ${a.username} and ${b.username}` });
    await expect(view.getByText(`filler 51 ${tag}`)).toBeVisible();
    await expect(view.getByText(`filler 52 ${tag}`)).toBeVisible();
  } finally {
    await pageA.context().close();
    await pageB.context().close();
    await apiA.dispose();
    await apiB.dispose();
    await apiC.dispose();
  }
});
