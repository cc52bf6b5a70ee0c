import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import {
  DEMO_PASSWORD,
  apiUser,
  atPath,
  befriend,
  logIn,
  openChat,
  randomSuffix,
  uniquePassword,
  uniqueUsername,
  useEnglish,
} from '../support';

// The admin project runs these at 1440×900 (Desktop Chrome); each user's phone is a context of
// its own at 390×844. The two tests run one after the other: the second counts who is online,
// and the first has a phone connected.
test.describe.configure({ mode: 'default' });

test.beforeEach(async ({ context, baseURL }) => {
  await useEnglish(context, baseURL);
});

function account() {
  return { username: uniqueUsername(), password: uniquePassword() };
}

async function adminLogIn(page: Page) {
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);
}

/** A 390×844 phone (English) with cookies of its own, so a separate user. */
async function userPhone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    viewport: { width: 390, height: 844 },
    baseURL,
  });
  await useEnglish(context, baseURL);
  return context.newPage();
}

/** Opens the actions of the message showing `text` (a long press; the context menu here). */
async function openMenu(page: Page, text: string) {
  const bubble = page.getByRole('list', { name: 'Messages' }).locator('.bubble-wrap').filter({ hasText: text }).last();
  await bubble.click({ button: 'right' });
  const menu = page.getByRole('dialog', { name: 'Message actions' });
  await expect(menu).toBeVisible();
  return menu;
}

test('a user reports a spam message from a friend; an administrator removes it and the reporter is told', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  const reporter = account();
  const spammer = account();
  const apiReporter = await apiUser(baseURL, reporter.username, reporter.password);
  const apiSpammer = await apiUser(baseURL, spammer.username, spammer.password);
  const conversation = await befriend(apiReporter, apiSpammer);
  const spam = `Cheap watches, click now ${randomSuffix()}`;
  const sent = await apiSpammer.call('send_message', {
    conversation_id: conversation,
    client_msg_id: `spam-${randomSuffix()}`,
    body: { type: 'text', text: spam },
  });
  const mobile = await userPhone(browser, baseURL);
  try {
    // The phone: long press on the bubble → Report → a reason → Submit.
    await logIn(mobile, reporter.username, reporter.password);
    await openChat(mobile, conversation);
    const history = mobile.getByRole('list', { name: 'Messages' });
    await expect(history.getByText(spam)).toBeVisible();
    const menu = await openMenu(mobile, spam);
    await menu.getByRole('menuitem', { name: 'Report' }).click();
    await expect(mobile).toHaveURL(atPath(`/report/message/${sent.id}`));
    await expect(mobile.getByRole('heading', { name: 'Report message' })).toBeVisible();
    const spamReason = mobile.getByRole('radio', { name: 'Spam or advertising' });
    await spamReason.check();
    await expect(spamReason).toBeChecked();
    const submit = mobile.getByRole('button', { name: 'Submit' });
    await expect(submit).toBeEnabled();
    const filed = mobile.waitForResponse(
      (res) => new URL(res.url()).pathname === '/api/report' && res.request().method() === 'POST',
    );
    await submit.click();
    const answer = await filed;
    expect(answer.ok(), await answer.text()).toBeTruthy();
    const reportId: number = (await answer.json()).id;
    await expect(mobile.getByText('Report sent')).toBeVisible();

    // Back in the chat, the message is still there.
    await openChat(mobile, conversation);
    await expect(history.getByText(spam)).toBeVisible();

    // The console: the open report, with who filed it, who sent the message and why.
    await adminLogIn(page);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports' }).click();
    await expect(page).toHaveURL(atPath('/admin/reports'));
    await expect(page.getByRole('link', { name: 'Open', exact: true })).toHaveAttribute('aria-current', 'page');
    const table = page.getByRole('table', { name: 'Reports' });
    const row = table.locator(`tr[data-report-id="${reportId}"]`);
    await expect(row).toContainText(spam);
    await expect(row).toContainText(`@${reporter.username}`);
    await expect(row).toContainText(`@${spammer.username}`);
    await expect(row).toContainText('Spam or advertising');
    await expect(row.getByText('Open', { exact: true })).toBeVisible();
    await expect(row.getByRole('link', { name: spam })).toHaveAttribute('href', `/admin/messages?user=${apiSpammer.id}`);

    // Cancelling changes nothing.
    const remove = row.getByRole('button', { name: `Delete message (report ${reportId})` });
    await expect(remove).toBeEnabled();
    await remove.click();
    const confirm = page.getByRole('alertdialog', { name: `Delete message (report ${reportId})` });
    await expect(confirm).toContainText('This message was removed by an administrator');
    await expect(confirm).toContainText(spam);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(row.getByText('Open', { exact: true })).toBeVisible();

    // Confirmed with a note: a toast, and the row shows what was done.
    await remove.click();
    await confirm.getByLabel('Note (kept in the audit log, optional)').fill('Advertising link');
    await confirm.getByRole('button', { name: 'Delete message', exact: true }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'The reported message was removed' })).toBeVisible();
    await expect(row.getByText('Resolved', { exact: true })).toBeVisible();
    await expect(row).toContainText('Message removed');
    await expect(row).toContainText('Advertising link');
    await expect(row.getByRole('button')).toHaveCount(0);

    // Among the resolved ones.
    await page.getByRole('link', { name: 'Resolved', exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/reports\?status=resolved$/);
    await expect(table.locator(`tr[data-report-id="${reportId}"]`)).toContainText('Message removed');

    // The phone replaces the bubble without a reload…
    await expect(history.getByText('This message was removed by an administrator')).toBeVisible({ timeout: 10_000 });
    await expect(history.getByText(spam)).toHaveCount(0);

    // …and the answer waits in the "Parley" chat.
    await mobile.goto('/');
    const chats = mobile.getByRole('list', { name: 'Chats' });
    const parley = chats.getByRole('listitem').filter({ has: mobile.locator('.conversation-title', { hasText: /^Parley$/ }) });
    await expect(parley).toHaveCount(1);
    await parley.getByRole('link').click();
    await expect(
      mobile.getByRole('note').filter({ hasText: 'Thank you for your report. We removed the message.' }),
    ).toBeVisible();
  } finally {
    await mobile.context().close();
    await apiReporter.dispose();
    await apiSpammer.dispose();
  }
});

test('the dashboard counts a phone that comes online and goes away, without a reload', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const user = account();
  const api = await apiUser(baseURL, user.username, user.password);
  let mobile: Page | undefined;
  try {
    await adminLogIn(page);
    await page.goto('/admin');
    const online = page.getByTestId('online-users');
    await expect(online).toHaveAttribute('aria-labelledby', 'stat-online-users');
    await expect(page.locator('#stat-online-users')).toHaveText('Online now');
    await expect(page.getByRole('img', { name: 'Messages per hour (last 48 hours)' })).toBeVisible();
    await expect(page.getByRole('img', { name: /Sign-ups and active users per day/ })).toBeVisible();
    // Hydrated (the announcement's button is enabled by typing only then): the figures
    // refresh from now on.
    const announcement = page.getByLabel('Message to everyone');
    await expect(async () => {
      await announcement.fill('x');
      await expect(page.getByRole('button', { name: 'Send to everyone' })).toBeEnabled({ timeout: 500 });
    }).toPass({ timeout: 15_000 });
    await announcement.fill('');
    // A mark on the page: were it reloaded, the mark would be gone.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const count = async () => Number(((await online.textContent()) ?? '').replace(/[^0-9]/g, ''));
    const before = await count();

    // A phone signs in and opens its chats (a WebSocket): one more within a refresh or two.
    mobile = await userPhone(browser, baseURL);
    await logIn(mobile, user.username, user.password);
    await expect(mobile.getByRole('navigation', { name: 'Tabs' })).toBeVisible();
    await expect.poll(count, { timeout: 12_000 }).toBeGreaterThanOrEqual(before + 1);
    const during = await count();

    // It goes away: one fewer.
    await mobile.context().close();
    mobile = undefined;
    await expect.poll(count, { timeout: 12_000 }).toBeLessThanOrEqual(during - 1);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  } finally {
    await mobile?.context().close();
    await api.dispose();
  }
});
