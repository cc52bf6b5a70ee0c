import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import { apiUser, befriend, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

/** A phone (Pixel 7, English) of its own: separate cookies, so a separate user. */
async function phone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  return context.newPage();
}

test('a group of three chats live', async ({ browser, baseURL }) => {
  const a = { username: uniqueUsername(), password: uniquePassword() };
  const b = { username: uniqueUsername(), password: uniquePassword() };
  const c = { username: uniqueUsername(), password: uniquePassword() };
  const apiA = await apiUser(baseURL, a.username, a.password);
  const apiB = await apiUser(baseURL, b.username, b.password);
  const apiC = await apiUser(baseURL, c.username, c.password);
  await befriend(apiA, apiB);
  await befriend(apiA, apiC);
  const pageA = await phone(browser, baseURL);
  const pageB = await phone(browser, baseURL);
  try {
    await logIn(pageA, a.username, a.password);
    await logIn(pageB, b.username, b.password);

    // A starts the group from Contacts.
    const name = `Book club ${randomSuffix()}`;
    await pageA.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Contacts' }).click();
    await pageA.getByRole('link', { name: 'New group chat' }).click();
    await pageA.getByLabel('Group name').fill(name);
    await pageA.getByLabel(b.username, { exact: true }).check();
    await pageA.getByLabel(c.username, { exact: true }).check();
    await pageA.getByRole('button', { name: 'Create' }).click();
    await expect(pageA).toHaveURL(/\/chat\/\d+$/);
    await expect(pageA.getByText(`created the group “${name}”`)).toBeVisible();

    const hello = `hello all ${randomSuffix()}`;
    await pageA.getByLabel('Message', { exact: true }).fill(hello);
    await pageA.getByLabel('Message', { exact: true }).press('Enter');
    await expect(pageA.getByText(hello)).toBeVisible();

    // B sees the new group with the message on the Chats tab, without reloading, and answers.
    const row = pageB.getByRole('listitem').filter({ hasText: name });
    await expect(row).toContainText(hello);
    await row.getByRole('link').first().click();
    await expect(pageB.getByText(hello)).toBeVisible();
    const reply = `hi from B ${randomSuffix()}`;
    await pageB.getByLabel('Message', { exact: true }).fill(reply);
    await pageB.getByLabel('Message', { exact: true }).press('Enter');
    await expect(pageA.getByText(reply)).toBeVisible();

    // C's view through the API: three members, A the owner.
    const groups = (await apiC.call('list_conversations', {})).filter((x: { title: string }) => x.title === name);
    expect(groups).toHaveLength(1);
    expect(groups[0].last_message.body.text).toBe(reply);

    await pageA.getByRole('link', { name: 'Group info' }).click();
    const members = pageA.getByRole('region', { name: /Members/ });
    await expect(members.getByRole('listitem')).toHaveCount(3);
    await expect(members.getByRole('listitem').filter({ hasText: a.username })).toContainText('Owner');
  } finally {
    await Promise.all([apiA.dispose(), apiB.dispose(), apiC.dispose()]);
  }
});
