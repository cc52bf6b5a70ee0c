import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import {
  DEMO_PASSWORD,
  apiUser,
  befriend,
  logIn,
  openChat,
  randomSuffix,
  uniquePassword,
  uniqueUsername,
  useEnglish,
  type ApiUser,
} from '../support';

// The admin project runs these at 1440×900 (Desktop Chrome); each member's phone is a context
// of its own at 390×844.

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
async function memberPhone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    viewport: { width: 390, height: 844 },
    baseURL,
  });
  await useEnglish(context, baseURL);
  return context.newPage();
}

/** An owner and a member (friends), and a group of the two; returns its ids and name. */
async function groupOfTwo(baseURL: string | undefined) {
  const owner = account();
  const member = account();
  const apiOwner = await apiUser(baseURL, owner.username, owner.password);
  const apiMember = await apiUser(baseURL, member.username, member.password);
  await befriend(apiOwner, apiMember);
  const name = `Readers ${randomSuffix()}`;
  const group = await apiOwner.call('create_group', {
    name,
    introduction: 'Books on Sundays',
    member_ids: [apiMember.id],
  });
  return {
    owner,
    member,
    apiOwner,
    apiMember,
    name,
    groupId: group.id as number,
    conversation: group.conversation_id as number,
  };
}

/** Finds the group on `/admin/groups` by name and opens its drawer. */
async function openGroupDrawer(page: Page, name: string) {
  await page.goto('/admin/groups');
  const search = page.getByLabel('Search', { exact: true });
  await search.fill(name);
  await search.press('Enter');
  await expect(page).toHaveURL(/\/admin\/groups\?q=/);
  const table = page.getByRole('table', { name: 'Groups' });
  const row = table.getByRole('row').filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: `Manage ${name}` }).click();
  const drawer = page.getByRole('dialog', { name: 'Group details' });
  await expect(drawer).toContainText(name);
  return { row, drawer };
}

async function disposeAll(...users: ApiUser[]) {
  await Promise.all(users.map((u) => u.dispose()));
}

test('an administrator disables a group from its drawer: the member\'s phone turns read-only at once', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const g = await groupOfTwo(baseURL);
  const mobile = await memberPhone(browser, baseURL);
  try {
    await logIn(mobile, g.member.username, g.member.password);
    await openChat(mobile, g.conversation);
    await expect(mobile.getByLabel('Message', { exact: true })).toBeVisible();

    await adminLogIn(page);
    const { row, drawer } = await openGroupDrawer(page, g.name);
    await expect(row.getByText('Active', { exact: true })).toBeVisible();
    await expect(row.getByRole('cell', { name: g.owner.username, exact: true })).toBeVisible();
    await expect(drawer).toContainText('Books on Sundays');
    const members = drawer.getByRole('table', { name: /Members/ });
    await expect(members.getByRole('row').filter({ hasText: g.owner.username })).toContainText('Owner');
    await expect(members.getByRole('row').filter({ hasText: g.member.username })).toContainText('Member');
    await expect(drawer.getByRole('link', { name: 'Browse messages' })).toHaveAttribute(
      'href',
      `/admin/messages?conversation=${g.conversation}`,
    );

    // Cancelling changes nothing.
    await drawer.getByRole('button', { name: 'Disable group' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Disable group' });
    await expect(confirm).toContainText('read-only');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(drawer.getByText('Active', { exact: true })).toBeVisible();

    // Confirmed: a toast, the new status in the drawer and the table, Restore offered.
    await drawer.getByRole('button', { name: 'Disable group' }).click();
    await confirm.getByRole('button', { name: 'Disable group' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(drawer.getByRole('status').filter({ hasText: 'The group is disabled' })).toBeVisible();
    await expect(drawer.getByText('Disabled', { exact: true })).toBeVisible();
    await expect(drawer.getByRole('button', { name: 'Restore' })).toBeVisible();
    await expect(drawer.getByRole('button', { name: 'Disable group' })).toHaveCount(0);
    await expect(row.getByText('Disabled', { exact: true })).toBeVisible();

    // The phone shows the banner and the notice without a reload, and offers no sending.
    const banner = mobile
      .getByRole('status')
      .filter({ hasText: 'An administrator disabled this group: its history is read-only' });
    await expect(banner).toBeVisible({ timeout: 10_000 });
    await expect(
      mobile.getByRole('note').filter({ hasText: 'An administrator disabled this group' }),
    ).toBeVisible();
    await expect(mobile.getByLabel('Message', { exact: true })).toBeHidden();
    await expect(mobile.getByRole('button', { name: 'Send', exact: true })).toBeHidden();

    // The server refuses a send all the same.
    const refused = await g.apiMember.attempt('send_message', {
      conversation_id: g.conversation,
      client_msg_id: `after-${randomSuffix()}`,
      body: { type: 'text', text: 'still here?' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('group_disabled');

    // The status filter finds it among the disabled groups; the audit log has the change.
    await page.goto(`/admin/groups?status=disabled&q=${encodeURIComponent(g.name)}`);
    await expect(page.getByLabel('Status', { exact: true })).toHaveValue('disabled');
    await expect(page.getByRole('table', { name: 'Groups' }).getByRole('row').filter({ hasText: g.name })).toHaveCount(1);
    await page.goto('/admin/audit');
    const log = page.getByRole('table', { name: 'Audit log' });
    await expect(
      log
        .getByRole('row')
        .filter({ hasText: g.name })
        .filter({ has: page.getByRole('cell', { name: 'set_group_status', exact: true }) }),
    ).toHaveCount(1);
  } finally {
    await mobile.context().close();
    await disposeAll(g.apiOwner, g.apiMember);
  }
});

test('an administrator deletes a message from the message browser: the phone shows it removed', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const g = await groupOfTwo(baseURL);
  const text = `buy cheap pills ${randomSuffix()}`;
  const sent = await g.apiOwner.call('send_message', {
    conversation_id: g.conversation,
    client_msg_id: `spam-${randomSuffix()}`,
    body: { type: 'text', text },
  });
  const mobile = await memberPhone(browser, baseURL);
  try {
    await logIn(mobile, g.member.username, g.member.password);
    await openChat(mobile, g.conversation);
    await expect(mobile.getByText(text)).toBeVisible();

    // From the group's drawer to its messages.
    await adminLogIn(page);
    const { drawer } = await openGroupDrawer(page, g.name);
    await drawer.getByRole('link', { name: 'Browse messages' }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/messages\\?conversation=${g.conversation}$`));
    await expect(page.getByLabel('Conversation ID', { exact: true })).toHaveValue(String(g.conversation));

    const table = page.getByRole('table', { name: 'Messages' });
    const row = table.getByRole('row').filter({ hasText: text });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(g.owner.username);
    await expect(row).toContainText(g.name);
    await row.getByRole('button', { name: `Delete message ${sent.id}` }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete this message?' });
    await expect(confirm).toContainText('This message was removed by an administrator');
    await confirm.getByLabel('Reason (kept in the audit log)').fill('Spam link');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'The message was removed' })).toBeVisible();

    // The row is replaced in place and cannot be deleted again.
    const removed = table.locator(`tr[data-message-id="${sent.id}"]`);
    await expect(removed).toContainText('This message was removed by an administrator');
    await expect(removed.getByRole('button')).toHaveCount(0);
    await expect(table.getByText(text)).toHaveCount(0);

    // The phone replaces the bubble without a reload.
    await expect(mobile.getByText('This message was removed by an administrator')).toBeVisible({ timeout: 10_000 });
    await expect(mobile.getByText(text)).toHaveCount(0);

    // The audit log keeps the reason.
    await page.goto('/admin/audit');
    const log = page.getByRole('table', { name: 'Audit log' });
    await expect(
      log
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: 'delete_message', exact: true }) })
        .filter({ hasText: 'Spam link' }),
    ).toHaveCount(1);
  } finally {
    await mobile.context().close();
    await disposeAll(g.apiOwner, g.apiMember);
  }
});
