import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { atPath, randomSuffix, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

/** One post a receiver got. */
interface Post {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local receiver for a bot's outgoing webhook: refuses its first `failFirst` posts with 500. */
async function startReceiver(failFirst: number): Promise<{ url: string; posts: Post[]; server: Server }> {
  const posts: Post[] = [];
  let seen = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const accepted = seen++ >= failFirst;
      if (accepted) {
        posts.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      }
      res.statusCode = accepted ? 204 : 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, posts, server };
}

test.describe('bot webhooks (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('an owner sets a bot webhook; a message to the bot arrives signed after a retry, and the log shows it', async ({ page }) => {
    test.setTimeout(90_000);
    const receiver = await startReceiver(1);
    try {
      const username = uniqueUsername();
      const password = uniquePassword();
      await page.goto('/signup');
      await waitForHydration(page);
      await page.getByLabel('Username', { exact: true }).fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByLabel('Confirm password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await expect(page).toHaveURL(atPath('/'));

      await page.goto('/me/bots');
      const create = page.getByRole('button', { name: 'Create bot' });
      await expect(create).toBeEnabled();
      await page.getByLabel('Bot name', { exact: true }).fill('Relay');
      await create.click();
      const row = page.getByTestId('bot').filter({ hasText: 'Relay' });
      await expect(row).toHaveCount(1);
      await page.getByRole('button', { name: 'I have copied it' }).first().click();

      // The webhook: not set, then saved; its signing secret is shown once.
      const hook = row.getByTestId('bot-webhook');
      await expect(hook.getByTestId('bot-webhook-current')).toHaveText('Not set');
      await hook.getByLabel('Webhook URL for Relay').fill(receiver.url);
      await hook.getByRole('button', { name: 'Save webhook Relay' }).click();
      await expect(page.getByText('Webhook saved')).toBeVisible();
      await expect(hook.getByTestId('bot-webhook-current')).toHaveText(receiver.url);
      const secretInput = page.getByTestId('bot-webhook-secret');
      await expect(secretInput).toHaveValue(/\S{20,}/);
      const secret = await secretInput.inputValue();

      // The owner writes to the bot in their chat with it.
      const text = `Ping ${randomSuffix()}`;
      await row.getByRole('link', { name: 'Open chat' }).click();
      await expect(page).toHaveURL(/\/chat\/\d+$/);
      const composer = page.getByRole('textbox', { name: 'Message' });
      await expect(composer).toBeEditable();
      await composer.fill(text);
      await page.getByRole('button', { name: 'Send' }).click();
      await expect(page.getByRole('list', { name: 'Messages' }).getByText(text)).toBeVisible();

      // The receiver refused the first post, and got it on the retry: once, signed.
      await expect.poll(() => receiver.posts.length, { timeout: 30_000 }).toBe(1);
      const post = receiver.posts[0];
      const expected = 'sha256=' + createHmac('sha256', secret).update(post.body).digest('hex');
      expect(post.headers['x-parley-signature']).toBe(expected);
      const event = JSON.parse(post.body);
      expect(event.type).toBe('message');
      expect(event.message.body.text).toBe(text);
      expect(post.headers['x-parley-delivery']).toBe(event.delivery_id);

      // The delivery log: delivered after two attempts.
      await page.goto('/me/bots');
      await expect(page.getByRole('button', { name: 'Create bot' })).toBeEnabled();
      await row.getByRole('button', { name: 'Delivery log Relay' }).click();
      const delivery = row.getByTestId('delivery').first();
      await expect(delivery).toHaveAttribute('data-status', 'delivered');
      await expect(delivery.locator('.delivery-attempts')).toHaveText('2 attempts');
      await expect(delivery.locator('.delivery-result')).toHaveText('HTTP 204');

      // Removed: the bot's webhook is not set any more.
      await row.getByRole('button', { name: 'Remove webhook Relay' }).click();
      await expect(row.getByRole('alertdialog')).toContainText('Parley stops posting to this URL');
      await row.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByText('Webhook removed')).toBeVisible();
      await expect(hook.getByTestId('bot-webhook-current')).toHaveText('Not set');
    } finally {
      receiver.server.close();
    }
  });
});
