import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import { atPath, logIn, randomSuffix, signUpThroughApi, waitForHydration, uniquePassword, uniqueUsername, useEnglish } from '../support';

/** A phone (Pixel 7, English) of its own: separate cookies, so a separate user. */
async function phone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  return context.newPage();
}

test('friend request and messages arrive live, badges update without reloading', async ({ browser, baseURL }) => {
  const a = { username: uniqueUsername(), password: uniquePassword() };
  const b = { username: uniqueUsername(), password: uniquePassword() };
  await signUpThroughApi(baseURL, b.username, b.password);

  const pageA = await phone(browser, baseURL);
  const pageB = await phone(browser, baseURL);
  try {
    // B waits on the Chats tab.
    await logIn(pageB, b.username, b.password);
    const tabsB = pageB.getByRole('navigation', { name: 'Tabs' });
    // Nothing but the assistant's chat yet.
    await expect(pageB.getByRole('list', { name: 'Chats' }).getByRole('listitem')).toHaveCount(1);

    // A signs up and asks B to be friends from the Add-friend page.
    await pageA.goto('/signup');
    await waitForHydration(pageA);
    await pageA.getByLabel('Username', { exact: true }).fill(a.username);
    await pageA.getByLabel('Password', { exact: true }).fill(a.password);
    await pageA.getByLabel('Confirm password', { exact: true }).fill(a.password);
    await pageA.getByRole('button', { name: 'Sign up' }).click();
    await expect(pageA).toHaveURL(atPath('/'));
    await pageA.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Contacts' }).click();
    await pageA.getByRole('link', { name: 'Add friend' }).click();
    await expect(pageA).toHaveURL(atPath('/contacts/add'));
    await pageA.getByLabel('Search', { exact: true }).fill(b.username);
    await pageA.getByRole('button', { name: 'Search', exact: true }).click();
    const result = pageA.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: b.username });
    await result.getByRole('button', { name: 'Add', exact: true }).click();
    await result.getByLabel('Note').fill('hello from A');
    await result.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(result.getByText('Request sent')).toBeVisible();

    // B sees the Contacts badge appear without reloading, and accepts.
    await expect(tabsB.getByLabel('1 new requests')).toHaveText('1');
    await tabsB.getByRole('link', { name: 'Contacts' }).click();
    await pageB.getByRole('link', { name: /New friends/ }).click();
    await expect(pageB).toHaveURL(atPath('/contacts/new'));
    const request = pageB.getByRole('listitem').filter({ hasText: 'hello from A' });
    await request.getByRole('button', { name: 'Accept' }).click();
    await expect(request.getByText('Accepted')).toBeVisible();
    await expect(tabsB.getByLabel('1 new requests')).toHaveCount(0);

    // A opens the chat from the friend's profile and writes.
    await pageA.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Contacts' }).click();
    await pageA.getByRole('link', { name: b.username }).click();
    await pageA.getByRole('link', { name: 'Send message' }).click();
    await expect(pageA).toHaveURL(/\/chat\/\d+$/);
    const first = `hi B ${randomSuffix()}`;
    await pageA.getByLabel('Message', { exact: true }).fill(first);
    await pageA.getByLabel('Message', { exact: true }).press('Enter');
    const historyA = pageA.getByRole('list', { name: 'Messages' });
    await expect(historyA.getByText(first)).toBeVisible();

    // B, on Chats, gets the conversation with an unread badge, live.
    await tabsB.getByRole('link', { name: 'Chats' }).click();
    const rowB = pageB.getByRole('list', { name: 'Chats' }).getByRole('listitem').filter({ hasText: first });
    await expect(rowB).toBeVisible();
    await expect(tabsB.getByLabel('1 unread')).toHaveText('1');

    // B opens the chat (the badge clears) and answers.
    await rowB.getByRole('link').click();
    await expect(pageB).toHaveURL(/\/chat\/\d+$/);
    const historyB = pageB.getByRole('list', { name: 'Messages' });
    await expect(historyB.getByText(first)).toBeVisible();
    const reply = `hi A ${randomSuffix()}`;
    await pageB.getByLabel('Message', { exact: true }).fill(reply);
    await pageB.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(historyB.getByText(reply)).toBeVisible();
    await expect(historyA.getByText(reply)).toBeVisible();

    // Once more from A, arriving on B's open chat; B's tab badge stays clear.
    const again = `again ${randomSuffix()}`;
    await pageA.getByLabel('Message', { exact: true }).fill(again);
    await pageA.getByLabel('Message', { exact: true }).press('Enter');
    await expect(historyB.getByText(again)).toBeVisible();
    await pageB.getByRole('link', { name: 'Back' }).click();
    await expect(pageB).toHaveURL(atPath('/'));
    await expect(tabsB.getByLabel(/unread/)).toHaveCount(0);
    await expect(pageB.getByRole('list', { name: 'Chats' }).getByRole('listitem').filter({ hasText: again })).toBeVisible();
  } finally {
    await pageA.context().close();
    await pageB.context().close();
  }
});
