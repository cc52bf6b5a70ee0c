import { expect, request, test, type APIRequestContext } from '@playwright/test';
import {
  apiUser,
  atPath,
  befriend,
  logIn,
  phone,
  randomSuffix,
  uniquePassword,
  uniqueUsername,
  useEnglish,
  waitForHydration,
} from '../support';

/** A program holding a bot's token: every call carries `Authorization: Bearer <token>`, no cookie. */
async function botClient(baseURL: string, token: string): Promise<APIRequestContext> {
  return request.newContext({
    baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${token}`, Origin: baseURL },
  });
}

test.describe('bots (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('a user makes a bot, its program speaks with the token, a new token retires the old one', async ({ page, baseURL }) => {
    test.setTimeout(90_000);
    const base = (baseURL ?? '').replace(/\/+$/, '');
    expect(base, 'baseURL is not set (PARLEY_E2E_BASE_URL)').not.toBe('');
    const botName = 'Weather 天气';
    const description = 'Forecasts for the team';
    const forecast = `Sunny, 25 °C ${randomSuffix()}`;
    const clients: APIRequestContext[] = [];
    try {
      // A fresh user signs up on the phone.
      const username = uniqueUsername();
      const password = uniquePassword();
      await page.goto('/signup');
      await waitForHydration(page);
      await page.getByLabel('Username', { exact: true }).fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByLabel('Confirm password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await expect(page).toHaveURL(atPath('/'));

      // Me → My bots.
      await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Me' }).click();
      await expect(page).toHaveURL(atPath('/me'));
      await page.getByRole('link', { name: 'My bots' }).click();
      await expect(page).toHaveURL(atPath('/me/bots'));
      await expect(page.getByRole('heading', { name: 'My bots' })).toBeVisible();
      await expect(page.getByText('No bots yet')).toBeVisible();

      // The form is checked here first: a name is required.
      const create = page.getByRole('button', { name: 'Create bot' });
      await expect(create).toBeEnabled(); // hydrated: typing before that would be lost
      await create.click();
      await expect(page.getByRole('alert').filter({ hasText: 'Give the bot a name' })).toBeVisible();

      await page.getByLabel('Bot name', { exact: true }).fill(botName);
      await page.getByLabel('Description (optional)', { exact: true }).fill(description);
      await create.click();

      // The token, shown once.
      await expect(page.getByText('Copy this token now: it is shown only once.')).toBeVisible();
      const tokenInput = page.getByTestId('bot-token');
      await expect(tokenInput).toHaveValue(/\S/);
      await expect(tokenInput).toHaveJSProperty('readOnly', true);
      await expect(page.getByLabel('Bot token', { exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
      const token = await tokenInput.inputValue();
      await expect(page.getByText(`Authorization: Bearer ${token}`)).toBeVisible();

      // The bot is listed with its @username and description; the form is empty again.
      const row = page.getByTestId('bot').filter({ hasText: botName });
      await expect(row).toHaveCount(1);
      await expect(row).toContainText('@');
      await expect(row).toContainText(description);
      await expect(page.getByLabel('Bot name', { exact: true })).toHaveValue('');

      // The owner's conversation with the bot, as the API tells the owner (the page's cookie).
      const listed = await page.request.post('/api/list_bots', { data: {} });
      expect(listed.ok(), `list_bots answered ${listed.status()}: ${await listed.text()}`).toBeTruthy();
      const bots: Array<{ bot_id: number; name: string; username: string; conversation_id: number | null }> =
        await listed.json();
      expect(bots).toHaveLength(1);
      const bot = bots[0];
      expect(bot.name).toBe(botName);
      await expect(row).toContainText(`@${bot.username}`);
      expect(bot.conversation_id, 'the bot has a conversation with its owner').not.toBeNull();
      const conversation = bot.conversation_id as number;

      // The bot's program speaks with its token alone.
      const program = await botClient(base, token);
      clients.push(program);
      const sent = await program.post('/api/send_message', {
        data: {
          conversation_id: conversation,
          client_msg_id: `bot-${randomSuffix()}`,
          body: { type: 'text', text: forecast },
        },
      });
      expect(sent.ok(), `send_message answered ${sent.status()}: ${await sent.text()}`).toBeTruthy();
      expect((await sent.json()).sender_id).toBe(bot.bot_id);

      // The owner sees it in the chat with the bot.
      await row.getByRole('link', { name: 'Open chat' }).click();
      await expect(page).toHaveURL(atPath(`/chat/${conversation}`));
      await expect(page.getByRole('list', { name: 'Messages' }).getByText(forecast)).toBeVisible();

      // A new token: the old one stops working at once.
      const stillWorks = await program.post('/api/list_conversations', { data: {} });
      expect(stillWorks.status()).toBe(200);
      await page.goto('/me/bots');
      await expect(page.getByRole('button', { name: 'Create bot' })).toBeEnabled();
      await expect(page.getByTestId('bot-token')).toHaveCount(0); // never shown again
      await row.getByRole('button', { name: 'New token' }).click();
      await expect(row.getByRole('alertdialog')).toContainText('The old token stops working at once');
      await row.getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByText('Copy this token now: it is shown only once.')).toBeVisible();
      await expect(tokenInput).toHaveValue(/\S/);
      await expect(tokenInput).not.toHaveValue(token);
      const newToken = await tokenInput.inputValue();

      const refused = await program.post('/api/list_conversations', { data: {} });
      expect(refused.status(), await refused.text()).toBe(401);
      const renewed = await botClient(base, newToken);
      clients.push(renewed);
      const accepted = await renewed.post('/api/list_conversations', { data: {} });
      expect(accepted.status(), await accepted.text()).toBe(200);
      const conversations: Array<{ id: number }> = await accepted.json();
      expect(conversations.map((c) => c.id)).toContain(conversation);

      // Deleting the bot removes it from the list and retires its token.
      await row.getByRole('button', { name: 'Delete' }).click();
      await expect(row.getByRole('alertdialog')).toContainText('the messages it sent stay');
      await row.getByRole('button', { name: 'Confirm' }).click();
      await expect(row).toHaveCount(0);
      await expect(page.getByTestId('bot-token')).toHaveCount(0);
      await expect(page.getByText('No bots yet')).toBeVisible();
      const gone = await renewed.post('/api/list_conversations', { data: {} });
      expect(gone.status(), await gone.text()).toBe(401);
    } finally {
      for (const client of clients) {
        await client.dispose();
      }
    }
  });
  test('a bot made on the Me page joins a group like a friend and posts there live; a member answers it', async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const base = (baseURL ?? '').replace(/\/+$/, '');
    expect(base, 'baseURL is not set (PARLEY_E2E_BASE_URL)').not.toBe('');
    const owner = { username: uniqueUsername(), password: uniquePassword() };
    const friend = { username: uniqueUsername(), password: uniquePassword() };
    const apiOwner = await apiUser(baseURL, owner.username, owner.password);
    const apiFriend = await apiUser(baseURL, friend.username, friend.password);
    const friendPage = await phone(browser, baseURL);
    const clients: APIRequestContext[] = [];
    try {
      await befriend(apiOwner, apiFriend);
      await logIn(page, owner.username, owner.password);
      await logIn(friendPage, friend.username, friend.password);

      // The owner makes the bot on Me › My bots.
      const botName = `Deploys ${randomSuffix()}`;
      await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Me' }).click();
      await page.getByRole('link', { name: 'My bots' }).click();
      await expect(page).toHaveURL(atPath('/me/bots'));
      const create = page.getByRole('button', { name: 'Create bot' });
      await expect(create).toBeEnabled({ timeout: 15_000 });
      await page.getByLabel('Bot name', { exact: true }).fill(botName);
      await create.click();
      const tokenInput = page.getByTestId('bot-token');
      await expect(tokenInput).toHaveValue(/\S/);
      const token = await tokenInput.inputValue();

      // Contacts › New group chat: the bot is offered like a friend.
      const groupName = `Release room ${randomSuffix()}`;
      await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Contacts' }).click();
      await page.getByRole('link', { name: 'New group chat' }).click();
      await page.getByLabel('Group name').fill(groupName);
      await page.getByLabel(friend.username, { exact: true }).check();
      await page.getByLabel(botName, { exact: true }).check();
      await page.getByRole('button', { name: 'Create' }).click();
      await expect(page).toHaveURL(/\/chat\/\d+$/);
      await expect(page.getByText(`created the group “${groupName}”`)).toBeVisible();
      const conversation = Number(new URL(page.url()).pathname.split('/').pop());

      // The friend has the group open.
      const row = friendPage.getByRole('listitem').filter({ hasText: groupName });
      await row.getByRole('link').first().click();
      await expect(friendPage).toHaveURL(atPath(`/chat/${conversation}`));
      await expect(friendPage.getByRole('button', { name: 'More', exact: true })).toBeEnabled();

      // The bot's program finds the group with its token and posts into it.
      const program = await botClient(base, token);
      clients.push(program);
      const listed = await program.post('/api/list_conversations', { data: {} });
      expect(listed.status(), await listed.text()).toBe(200);
      const conversations: Array<{ id: number; title: string }> = await listed.json();
      expect(conversations.find((c) => c.id === conversation)?.title).toBe(groupName);
      const news = `v2.3 is live ${randomSuffix()}`;
      const sent = await program.post('/api/send_message', {
        data: { conversation_id: conversation, client_msg_id: `deploy-${randomSuffix()}`, body: { type: 'text', text: news } },
      });
      expect(sent.status(), await sent.text()).toBe(200);

      // Both people see it live, from the bot (its avatar names it and leads to its profile).
      for (const p of [page, friendPage]) {
        const item = p.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: news });
        await expect(item).toBeVisible();
        await expect(item.getByRole('link', { name: botName })).toBeVisible();
      }

      // The friend answers; the bot reads the answer with its token.
      const answer = `thanks bot ${randomSuffix()}`;
      await friendPage.getByLabel('Message', { exact: true }).fill(answer);
      await friendPage.getByLabel('Message', { exact: true }).press('Enter');
      await expect(page.getByRole('list', { name: 'Messages' }).getByText(answer)).toBeVisible();
      const history = await program.post('/api/list_messages', { data: { conversation_id: conversation, before_seq: null } });
      expect(history.status(), await history.text()).toBe(200);
      const texts = ((await history.json()) as Array<{ body: { text?: string } }>).map((m) => m.body.text);
      expect(texts).toContain(answer);
    } finally {
      for (const client of clients) {
        await client.dispose();
      }
      await friendPage.context().close();
      await Promise.all([apiOwner.dispose(), apiFriend.dispose()]);
    }
  });
});
