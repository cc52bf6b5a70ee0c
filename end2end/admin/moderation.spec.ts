import { expect, request, test } from '@playwright/test';
import { DEMO_PASSWORD, apiUser, atPath, befriend, logIn, openChat, phone, uniquePassword, uniqueUsername, useEnglish } from '../support';

test.beforeEach(async ({ context, baseURL }) => {
  await useEnglish(context, baseURL);
});

async function adminLogIn(page: import('@playwright/test').Page) {
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);
}

async function openDrawer(page: import('@playwright/test').Page, username: string) {
  await page.goto('/admin/users');
  const search = page.getByLabel('Search', { exact: true });
  await search.fill(username);
  await search.press('Enter');
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: username, exact: true }) });
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: `Manage ${username}` }).click();
  const drawer = page.getByRole('dialog', { name: 'User details' });
  await expect(drawer).toContainText(`@${username}`);
  return { row, drawer };
}

test('an administrator bans a user who is chatting on a phone: the phone is signed out at once', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const chatter = { username: uniqueUsername(), password: uniquePassword() };
  const apiChatter = await apiUser(baseURL, chatter.username, chatter.password);
  const friend = await apiUser(baseURL, uniqueUsername(), uniquePassword());
  const conversation = await befriend(apiChatter, friend);
  const mobile = await phone(browser, baseURL);
  try {
    await logIn(mobile, chatter.username, chatter.password);
    await openChat(mobile, conversation);

    await adminLogIn(page);
    const { row, drawer } = await openDrawer(page, chatter.username);
    await expect(drawer.getByText('Active', { exact: true })).toBeVisible();
    await drawer.getByLabel('Reason').fill('Spamming the lobby');
    await drawer.locator('#ban-duration').selectOption({ label: '1 day' });
    page.once('dialog', (dialog) => dialog.accept());
    await drawer.getByRole('button', { name: 'Ban', exact: true }).click();
    await expect(drawer.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await expect(drawer).toContainText('Banned until');
    await expect(drawer).toContainText('Spamming the lobby');
    await expect(row.getByText('Banned')).toBeVisible();

    // The phone's connection closes and the app goes back to the log-in page.
    await expect(mobile).toHaveURL(atPath('/login'), { timeout: 10_000 });
    await mobile.getByLabel('Username', { exact: true }).fill(chatter.username);
    await mobile.getByLabel('Password', { exact: true }).fill(chatter.password);
    await mobile.getByRole('button', { name: 'Log in' }).click();
    await expect(mobile.getByRole('alert')).toContainText('cannot log in');

    // Lifted: the user logs in again; the audit log shows both changes.
    await drawer.getByRole('button', { name: 'Lift ban' }).click();
    await expect(drawer.getByText('Active', { exact: true })).toBeVisible();
    await mobile.getByRole('button', { name: 'Log in' }).click();
    // Back to the chat they were in.
    await expect(mobile).toHaveURL(atPath(`/chat/${conversation}`));

    await page.goto('/admin/audit');
    const log = page.getByRole('table', { name: 'Audit log' });
    const entries = log.getByRole('row').filter({ hasText: chatter.username });
    const action = (name: string) => entries.filter({ has: page.getByRole('cell', { name, exact: true }) });
    await expect(action('unban_user')).toHaveCount(1);
    await expect(action('ban_user').filter({ hasText: 'Spamming the lobby' })).toHaveCount(1);
  } finally {
    await mobile.context().close();
    await apiChatter.dispose();
    await friend.dispose();
  }
});

test('an administrator mutes a user and gives them a role without speaking: sends are refused', async ({ page, baseURL }) => {
  const target = { username: uniqueUsername(), password: uniquePassword() };
  const apiTarget = await apiUser(baseURL, target.username, target.password);
  const friend = await apiUser(baseURL, uniqueUsername(), uniquePassword());
  const conversation = await befriend(apiTarget, friend);
  const send = (id: string) =>
    apiTarget.attempt('send_message', { conversation_id: conversation, client_msg_id: id, body: { type: 'text', text: 'hi' } });
  try {
    await adminLogIn(page);
    const { drawer } = await openDrawer(page, target.username);
    await drawer.locator('#mute-duration').selectOption({ label: '1 hour' });
    await drawer.getByRole('button', { name: 'Mute', exact: true }).click();
    await expect(drawer).toContainText('Muted until');
    expect((await send('m1')).status).toBe(403);
    await drawer.getByRole('button', { name: 'Lift mute' }).click();
    await expect(drawer.getByText('Active', { exact: true })).toBeVisible();
    expect((await send('m2')).status).toBe(200);

    // The built-in "Muted" role instead of "User": the rights list loses Speak at once.
    await drawer.getByRole('checkbox', { name: 'User', exact: true }).uncheck();
    await drawer.getByRole('checkbox', { name: 'Muted', exact: true }).check();
    await drawer.getByRole('button', { name: 'Save roles' }).click();
    await expect(drawer.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await expect(drawer.locator('.badges-right')).not.toContainText('Speak');
    expect((await send('m3')).status).toBe(403);

    // A password reset shows the new password once; it works.
    page.once('dialog', (dialog) => dialog.accept());
    await drawer.getByRole('button', { name: 'Reset password' }).click();
    const fresh = (await drawer.getByTestId('one-time-password').textContent())!.trim();
    expect(fresh).toHaveLength(16);
    const origin = new URL(page.url()).origin;
    const device = await request.newContext({ baseURL: origin });
    const login = await device.post('/api/log_in', {
      data: { username: target.username, password: fresh },
      headers: { Origin: origin },
    });
    expect(login.status()).toBe(200);
    await device.dispose();
  } finally {
    await apiTarget.dispose();
    await friend.dispose();
  }
});

test('an administrator creates a "reviewer" role without Speak and gives it to a user, who can no longer send', async ({ page, baseURL }) => {
  const target = { username: uniqueUsername(), password: uniquePassword() };
  const apiTarget = await apiUser(baseURL, target.username, target.password);
  const friend = await apiUser(baseURL, uniqueUsername(), uniquePassword());
  const conversation = await befriend(apiTarget, friend);
  const role = `reviewer_${Date.now().toString(36)}`;
  try {
    await adminLogIn(page);
    await page.goto('/admin/roles');
    await page.getByRole('button', { name: 'New role' }).click();
    await page.getByLabel('Role key').fill(role);
    await page.locator('#role-description').fill('Reads and reports');
    for (const right of ['Log in', 'Add friends']) {
      await page.getByRole('checkbox', { name: right, exact: true }).check();
    }
    await page.getByRole('button', { name: 'Create role' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: role, exact: true }) });
    await expect(row).toContainText('Reads and reports');
    await expect(row.locator('.badges-right')).not.toContainText('Speak');

    const { drawer } = await openDrawer(page, target.username);
    await drawer.getByRole('checkbox', { name: 'User', exact: true }).uncheck();
    await drawer.getByRole('checkbox', { name: role, exact: true }).check();
    await drawer.getByRole('button', { name: 'Save roles' }).click();
    await expect(drawer.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    const refused = await apiTarget.attempt('send_message', {
      conversation_id: conversation,
      client_msg_id: 'after-role',
      body: { type: 'text', text: 'hello?' },
    });
    expect(refused.status).toBe(403);
  } finally {
    await apiTarget.dispose();
    await friend.dispose();
  }
});
