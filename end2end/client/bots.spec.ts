import { expect, request, test, type APIRequestContext } from '@playwright/test';
import { atPath, randomSuffix, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

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
});
