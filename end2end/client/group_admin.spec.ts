import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import { apiUser, befriend, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

/** A phone (Pixel 7, English) of its own: separate cookies, so a separate user. */
async function phone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  return context.newPage();
}

function account() {
  return { username: uniqueUsername(), password: uniquePassword() };
}

test('a stranger finds a group, asks to join and the owner approves live', async ({ browser, baseURL }) => {
  const owner = account();
  const member = account();
  const joiner = account();
  const apiOwner = await apiUser(baseURL, owner.username, owner.password);
  const apiMember = await apiUser(baseURL, member.username, member.password);
  const apiJoiner = await apiUser(baseURL, joiner.username, joiner.password);
  await befriend(apiOwner, apiMember);
  const name = `Hiking ${randomSuffix()}`;
  await apiOwner.call('create_group', { name, introduction: 'Weekend walks', member_ids: [apiMember.id] });
  const pageOwner = await phone(browser, baseURL);
  const pageJoiner = await phone(browser, baseURL);
  try {
    await logIn(pageOwner, owner.username, owner.password);
    await logIn(pageJoiner, joiner.username, joiner.password);

    // The stranger searches groups by name and asks to join with a note.
    await pageJoiner.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Contacts' }).click();
    await pageJoiner.getByRole('link', { name: 'Add friend' }).click();
    await pageJoiner.getByRole('button', { name: 'Groups' }).click();
    await pageJoiner.getByLabel('Search', { exact: true }).fill(name);
    await pageJoiner.getByRole('button', { name: 'Search', exact: true }).click();
    const result = pageJoiner.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    await expect(result).toHaveCount(1);
    await expect(result).toContainText('2 members');
    await expect(result).toContainText('Weekend walks');
    await result.getByRole('button', { name: 'Request to join' }).click();
    await result.getByLabel('Note').fill('I walk every Saturday');
    await result.getByRole('button', { name: 'Send' }).click();
    await expect(result).toContainText('Request sent');

    // The owner's Contacts badge counts it without a reload; New friends lists it.
    const tabsOwner = pageOwner.getByRole('navigation', { name: 'Tabs' });
    await expect(tabsOwner.getByLabel('1 new requests')).toHaveText('1');
    await tabsOwner.getByRole('link', { name: 'Contacts' }).click();
    await pageOwner.getByRole('link', { name: /New friends/ }).click();
    const requests = pageOwner.getByRole('list', { name: 'Join requests' });
    const row = requests.getByRole('listitem').filter({ hasText: joiner.username });
    await expect(row).toContainText('I walk every Saturday');
    await expect(row).toContainText(name);
    await row.getByRole('button', { name: 'Accept' }).click();
    await expect(requests).toHaveCount(0);
    await expect(tabsOwner.getByLabel('1 new requests')).toHaveCount(0);

    // The new member sees the group on Chats, live, with the join notice, and speaks.
    await pageJoiner.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Chats' }).click();
    const chatRow = pageJoiner.getByRole('listitem').filter({ hasText: name });
    await expect(chatRow).toBeVisible();
    await chatRow.getByRole('link').first().click();
    await expect(pageJoiner.getByText(`added ${joiner.username} to the group`)).toBeVisible();
    const hello = `hello hikers ${randomSuffix()}`;
    await pageJoiner.getByLabel('Message', { exact: true }).fill(hello);
    await pageJoiner.getByLabel('Message', { exact: true }).press('Enter');
    await expect
      .poll(async () => (await apiMember.call('list_conversations', {})).find((c: { title: string }) => c.title === name)?.last_message?.body?.text)
      .toBe(hello);
  } finally {
    await Promise.all([apiOwner.dispose(), apiMember.dispose(), apiJoiner.dispose()]);
  }
});

test('the owner edits the group, moderates members, invites and hands it over', async ({ browser, baseURL }) => {
  const owner = account();
  const ann = account();
  const bob = account();
  const eve = account();
  const apiOwner = await apiUser(baseURL, owner.username, owner.password);
  const apiAnn = await apiUser(baseURL, ann.username, ann.password);
  const apiBob = await apiUser(baseURL, bob.username, bob.password);
  const apiEve = await apiUser(baseURL, eve.username, eve.password);
  await befriend(apiOwner, apiAnn);
  await befriend(apiOwner, apiBob);
  await befriend(apiOwner, apiEve);
  const group = await apiOwner.call('create_group', {
    name: `Choir ${randomSuffix()}`,
    member_ids: [apiAnn.id, apiBob.id],
  });
  const page = await phone(browser, baseURL);
  page.on('dialog', (dialog) => dialog.accept());
  try {
    await logIn(page, owner.username, owner.password);
    await page.goto(`/group/${group.id}`);
    const members = page.getByRole('region', { name: /Members/ });
    await expect(members.getByRole('listitem')).toHaveCount(3);

    // Name and notice.
    const renamed = `Chamber choir ${randomSuffix()}`;
    await page.getByRole('button', { name: 'Edit group details' }).click();
    await page.getByRole('textbox', { name: 'Group name' }).fill(renamed);
    await page.getByRole('textbox', { name: 'Notice' }).fill('Rehearsal on Thursday at 7');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('heading', { name: renamed })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Notice' })).toContainText('Rehearsal on Thursday at 7');

    // Ann becomes an admin.
    const annRow = members.getByRole('listitem').filter({ hasText: ann.username });
    await annRow.getByRole('button', { name: `Manage ${ann.username}` }).click();
    await annRow.getByRole('button', { name: 'Make admin' }).click();
    await expect(annRow).toContainText('Admin');

    // Bob is muted for ten minutes and can no longer speak.
    const bobRow = members.getByRole('listitem').filter({ hasText: bob.username });
    await bobRow.getByRole('button', { name: `Manage ${bob.username}` }).click();
    await bobRow.getByRole('button', { name: 'Mute 10 min' }).click();
    await expect(bobRow).toContainText('Muted until');
    const refused = await apiBob.attempt('send_message', {
      conversation_id: group.conversation_id,
      client_msg_id: `bob-${randomSuffix()}`,
      body: { type: 'text', text: 'can I?' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('muted');

    // Everyone muted: the banner shows; the owner can still speak.
    await page.getByRole('switch', { name: 'Mute everyone' }).check();
    await expect(page.getByText('Everyone is muted')).toBeVisible();
    await page.getByRole('switch', { name: 'Mute everyone' }).uncheck();
    await expect(page.getByText('Everyone is muted')).toHaveCount(0);

    // Bob is removed, Eve invited.
    await bobRow.getByRole('button', { name: `Manage ${bob.username}` }).click();
    await bobRow.getByRole('button', { name: 'Remove from group' }).click();
    await expect(members.getByRole('listitem')).toHaveCount(2);
    await page.getByRole('link', { name: 'Invite friends' }).click();
    await page.getByLabel(eve.username, { exact: true }).check();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/group/${group.id}$`));
    await expect(members.getByRole('listitem')).toHaveCount(3);
    await expect(members.getByRole('listitem').filter({ hasText: eve.username })).toBeVisible();

    // The group goes to Ann; the former owner is an admin and can no longer dissolve it.
    const annRow2 = members.getByRole('listitem').filter({ hasText: ann.username });
    await annRow2.getByRole('button', { name: `Manage ${ann.username}` }).click();
    await annRow2.getByRole('button', { name: 'Make owner' }).click();
    await expect(annRow2).toContainText('Owner');
    await expect(members.getByRole('listitem').filter({ hasText: owner.username })).toContainText('Admin');
    await expect(page.getByRole('button', { name: 'Dissolve group' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Leave group' })).toBeVisible();

    // Every change left a notice in the conversation.
    const history = await apiAnn.call('list_messages', { conversation_id: group.conversation_id, before_seq: null, limit: 50 });
    const kinds = history.map((m: { body: { type: string; notice?: { kind?: string } } }) => m.body.type);
    expect(kinds.filter((k: string) => k === 'system').length).toBeGreaterThanOrEqual(8);
  } finally {
    await Promise.all([apiOwner.dispose(), apiAnn.dispose(), apiBob.dispose(), apiEve.dispose()]);
  }
});
