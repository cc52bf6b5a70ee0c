import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import {
  apiUser,
  atPath,
  befriend,
  logIn,
  randomSuffix,
  uniquePassword,
  uniqueUsername,
  useEnglish,
  waitForHydration,
} from '../support';

/** A phone (Pixel 7, English) of its own: separate cookies, so a separate user. */
async function phone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  return context.newPage();
}

async function named(baseURL: string | undefined, nickname: string) {
  const account = { username: uniqueUsername(), password: uniquePassword() };
  const api = await apiUser(baseURL, account.username, account.password);
  await api.call('update_profile', { nickname, signature: '' });
  return { ...account, api, nickname };
}

test('a group shows who is speaking; a face opens the profile to add them', async ({ browser, baseURL }) => {
  const suffix = randomSuffix().slice(0, 6);
  const owner = await named(baseURL, `Olga ${suffix}`);
  const reader = await named(baseURL, `Rita ${suffix}`);
  const carol = await named(baseURL, `Carol ${suffix}`);
  const page = await phone(browser, baseURL);
  try {
    await befriend(owner.api, reader.api);
    await befriend(owner.api, carol.api);
    const group = await owner.api.call('create_group', {
      name: `Book club ${suffix}`,
      member_ids: [reader.api.id, carol.api.id],
    });
    const send = (who: typeof owner, text: string) =>
      who.api.call('send_message', {
        conversation_id: group.conversation_id,
        client_msg_id: `m-${randomSuffix()}`,
        body: { type: 'text', text },
      });
    await send(owner, 'Welcome, everyone');
    await send(carol, 'Hello from Carol');
    await send(carol, 'Carol again');

    await logIn(page, reader.username, reader.password);
    await page.goto(`/chat/${group.conversation_id}`);
    const history = page.getByRole('list', { name: 'Messages' });
    await expect(history.getByText('Carol again')).toBeVisible();
    // Each sender's name once over a run of their messages, as WeChat shows it.
    await expect(history.locator('.sender-name', { hasText: owner.nickname })).toHaveCount(1);
    await expect(history.locator('.sender-name', { hasText: carol.nickname })).toHaveCount(1);
    // Today's messages carry the clock only.
    await expect(history.locator('.time-separator time').first()).toHaveText(/^\d\d:\d\d$/);

    // Her face shows her initial, not the group's.
    const carolFace = history.getByRole('link', { name: carol.nickname }).first();
    await expect(carolFace).toHaveText('C');
    // Carol is not the reader's friend: her face opens her card with "Add to contacts".
    await carolFace.click();
    await expect(page).toHaveURL(atPath(`/contacts/${carol.api.id}`));
    await expect(page.getByRole('heading', { name: carol.nickname })).toBeVisible();
    await page.getByRole('button', { name: 'Add to contacts' }).click();
    await page.getByLabel('Note').fill('from the book club');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(page.getByText('Request sent')).toBeVisible();
    const requests = await carol.api.call('list_friend_requests', {});
    expect(requests.map((r: { from: { id: number }; note: string }) => [r.from.id, r.note])).toContainEqual([
      reader.api.id,
      'from the book club',
    ]);
  } finally {
    await page.context().close();
    await Promise.all([owner.api.dispose(), reader.api.dispose(), carol.api.dispose()]);
  }
});

test('a refused send says why; a muted member is told before typing', async ({ browser, baseURL }) => {
  const suffix = randomSuffix().slice(0, 6);
  const owner = await named(baseURL, `Otto ${suffix}`);
  const member = await named(baseURL, `Mia ${suffix}`);
  const page = await phone(browser, baseURL);
  try {
    const direct = await befriend(owner.api, member.api);
    const group = await owner.api.call('create_group', { name: `Quiet ${suffix}`, member_ids: [member.api.id] });
    await logIn(page, member.username, member.password);

    // The friendship ends while the chat is open: the send is refused with the reason, and
    // retrying could never help, so no Retry is offered.
    await page.goto(`/chat/${direct}`);
    await expect(page.getByRole('button', { name: 'Emoji' })).toBeEnabled();
    await owner.api.call('remove_friend', { user_id: member.api.id });
    await page.getByLabel('Message', { exact: true }).fill('still there?');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    const history = page.getByRole('list', { name: 'Messages' });
    const alert = history.getByRole('alert');
    await expect(alert).toContainText('Not sent: You are not allowed to do this');
    await expect(history.getByRole('button', { name: 'Retry' })).toHaveCount(0);

    // In the group, the owner mutes everyone while the member looks: the input bar says so.
    await page.goto(`/chat/${group.conversation_id}`);
    await expect(page.getByRole('button', { name: 'Emoji' })).toBeEnabled();
    await owner.api.call('set_group_muted', { group_id: group.id, muted: true });
    await expect(page.getByRole('status').filter({ hasText: 'Everyone is muted' })).toBeVisible();
    await expect(page.getByLabel('Message', { exact: true })).toBeHidden();
    await owner.api.call('set_group_muted', { group_id: group.id, muted: false });
    await expect(page.getByLabel('Message', { exact: true })).toBeVisible();
    // A mute of the member alone names its end.
    await owner.api.call('mute_group_member', { group_id: group.id, user_id: member.api.id, minutes: 10 });
    await expect(page.getByRole('status').filter({ hasText: 'You are muted until' })).toBeVisible();
  } finally {
    await page.context().close();
    await Promise.all([owner.api.dispose(), member.api.dispose()]);
  }
});

test('sign-up asks for a nickname; a new friend’s chat opens with a notice; contacts by pinyin', async ({
  browser,
  baseURL,
}) => {
  const page = await phone(browser, baseURL);
  const suffix = randomSuffix().slice(0, 6);
  const zhang = await named(baseURL, `张伟${suffix}`);
  try {
    const username = uniqueUsername();
    const password = uniquePassword();
    const nickname = `Nina ${suffix}`;
    await page.goto('/signup');
    await waitForHydration(page);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Nickname', { exact: true }).fill(nickname);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Confirm password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(atPath('/'));
    const tabs = page.getByRole('navigation', { name: 'Tabs' });
    await tabs.getByRole('link', { name: 'Me' }).click();
    await expect(page.getByText(nickname, { exact: true })).toBeVisible();
    // The device list names the browser and the system with their versions.
    const devices = page.getByRole('region', { name: 'Logged-in devices' });
    await expect(devices).toContainText(/Chrome \d+ · Android \d+/);
    await expect(devices.getByText('This device')).toBeVisible();

    // Zhang asks; the new user accepts on the New friends page.
    const found = await zhang.api.call('search_users', { query: username });
    const me = found.find((card: { username: string }) => card.username === username) as { id: number };
    await zhang.api.call('send_friend_request', { user_id: me.id, note: '' });
    await tabs.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('link', { name: /New friends/ }).click();
    await page.getByRole('button', { name: 'Accept' }).click();
    await tabs.getByRole('link', { name: 'Contacts' }).click();
    // Chinese names are indexed by their pinyin initial, not under "#".
    const zGroup = page.getByRole('heading', { name: 'Z', exact: true });
    await expect(zGroup).toBeVisible();
    await expect(page.locator('.friend-list')).toContainText(zhang.nickname);
    await expect(page.getByRole('heading', { name: '#', exact: true })).toHaveCount(0);

    await tabs.getByRole('link', { name: 'Chats' }).click();
    const row = page.getByRole('listitem').filter({ hasText: zhang.nickname });
    await expect(row.locator('time')).toHaveText(/^\d\d:\d\d$/);
    await row.getByRole('link').first().click();
    await expect(page.getByRole('note')).toHaveText(`You added ${zhang.nickname} as a friend. Start chatting.`);
    // Zhang's side reads it from the other end.
    const conversations = await zhang.api.call('list_conversations', {});
    const chat = conversations.find((c: { peer_id: number }) => c.peer_id === me.id);
    const messages = await zhang.api.call('list_messages', { conversation_id: chat.id, before_seq: null, limit: 10 });
    expect(messages[0].body).toEqual({
      type: 'system',
      notice: { kind: 'friend_added', user: zhang.api.id, by: me.id },
    });
  } finally {
    await page.context().close();
    await zhang.api.dispose();
  }
});

test('a draft stays with its conversation and shows in the list until sent', async ({ browser, baseURL }) => {
  const suffix = randomSuffix().slice(0, 6);
  const me = await named(baseURL, `Dana ${suffix}`);
  const friend = await named(baseURL, `Finn ${suffix}`);
  const page = await phone(browser, baseURL);
  try {
    const conversation = await befriend(me.api, friend.api);
    await logIn(page, me.username, me.password);
    await page.goto(`/chat/${conversation}`);
    await expect(page.getByRole('button', { name: 'Emoji' })).toBeEnabled();
    await page.getByLabel('Message', { exact: true }).fill('half a thought');
    await page.getByRole('link', { name: 'Back' }).click();
    const row = page.getByRole('listitem').filter({ hasText: friend.nickname });
    await expect(row.locator('.conversation-preview')).toHaveText('[Draft] half a thought');
    // Kept on this device across a reload, and back in the box when the chat opens.
    await page.reload();
    await expect(row.locator('.conversation-preview')).toHaveText('[Draft] half a thought');
    await row.getByRole('link').first().click();
    await expect(page.getByLabel('Message', { exact: true })).toHaveValue('half a thought');
    // Also when the chat is the first page loaded.
    await page.goto(`/chat/${conversation}`);
    await expect(page.getByRole('button', { name: 'Emoji' })).toBeEnabled();
    await expect(page.getByLabel('Message', { exact: true })).toHaveValue('half a thought');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await expect(page.getByRole('list', { name: 'Messages' }).getByText('half a thought')).toBeVisible();
    await page.getByRole('link', { name: 'Back' }).click();
    await expect(row.locator('.conversation-preview')).toHaveText('half a thought');
  } finally {
    await page.context().close();
    await Promise.all([me.api.dispose(), friend.api.dispose()]);
  }
});

test('the Me page lists blocked users with Unblock', async ({ browser, baseURL }) => {
  const suffix = randomSuffix().slice(0, 6);
  const me = await named(baseURL, `Bea ${suffix}`);
  const pest = await named(baseURL, `Pete ${suffix}`);
  const page = await phone(browser, baseURL);
  try {
    await me.api.call('block_user', { user_id: pest.api.id });
    await logIn(page, me.username, me.password);
    await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Me' }).click();
    await page.getByRole('link', { name: 'Blocked users' }).click();
    const list = page.getByRole('list', { name: 'Blocked users' });
    await expect(list.getByText(pest.nickname)).toBeVisible();
    await list.getByRole('button', { name: `Unblock ${pest.nickname}` }).click();
    await expect(page.getByText('No one is blocked')).toBeVisible();
    expect(await me.api.call('list_blocked', {})).toEqual([]);
  } finally {
    await page.context().close();
    await Promise.all([me.api.dispose(), pest.api.dispose()]);
  }
});
