import { expect, test } from '@playwright/test';
import { apiUser, logIn, phone, randomSuffix, uniquePassword, uniqueUsername } from '../support';

test('an owner lists a group in the directory; a stranger finds it on Discover and asks to join', async ({ browser, baseURL }) => {
  const owner = { username: uniqueUsername(), password: uniquePassword() };
  const stranger = { username: uniqueUsername(), password: uniquePassword() };
  const apiOwner = await apiUser(baseURL, owner.username, owner.password);
  const apiStranger = await apiUser(baseURL, stranger.username, stranger.password);
  const name = `Book club ${randomSuffix()}`;
  const group = await apiOwner.call('create_group', { name, introduction: 'One book a month', member_ids: [] });
  const pageOwner = await phone(browser, baseURL);
  const pageStranger = await phone(browser, baseURL);
  try {
    await logIn(pageOwner, owner.username, owner.password);
    await pageOwner.goto(`/group/${group.id}`);
    const listed = pageOwner.getByRole('switch', { name: 'List in the group directory' });
    await expect(listed).toBeEnabled();
    await expect(listed).not.toBeChecked();
    await listed.check();
    await expect(listed).toBeChecked();

    await logIn(pageStranger, stranger.username, stranger.password);
    await pageStranger.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Discover' }).click();
    const directory = pageStranger.getByRole('region', { name: 'Group directory' });
    const row = directory.getByRole('listitem').filter({ hasText: name });
    await expect(row).toContainText('One book a month');
    await row.getByRole('button', { name: 'Request to join' }).click();
    await row.getByLabel('Note').fill('I read a lot');
    await row.getByRole('button', { name: 'Send' }).click();
    await expect(row).toContainText('Request sent');
  } finally {
    await pageOwner.context().close();
    await pageStranger.context().close();
    await apiOwner.dispose();
    await apiStranger.dispose();
  }
});
