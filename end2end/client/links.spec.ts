import { expect, test } from '@playwright/test';
import {
  apiUser,
  atPath,
  logIn,
  phone,
  randomSuffix,
  uniquePassword,
  uniqueUsername,
  waitForHydration,
} from '../support';

test('a signed-out phone opens a My QR code link, signs up and lands on the add-friend card', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const owner = { username: uniqueUsername(), password: uniquePassword() };
  const apiOwner = await apiUser(baseURL, owner.username, owner.password);
  const pageOwner = await phone(browser, baseURL);
  const pageNew = await phone(browser, baseURL);
  try {
    await logIn(pageOwner, owner.username, owner.password);
    await pageOwner.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Discover' }).click();
    await pageOwner.getByRole('link', { name: 'My QR code' }).click();
    await expect(pageOwner).toHaveURL(atPath('/me/qr'));
    const qr = pageOwner.getByRole('img', { name: 'QR code' });
    await expect(qr.locator('svg')).toBeVisible();
    const url = (await pageOwner.getByTestId('link-url').textContent())!.trim();
    expect(url).toMatch(/\/add\/[A-Za-z0-9]{12}$/);
    const path = new URL(url).pathname;

    // Someone who has no account yet scans it: log-in, then sign-up, then back to the card.
    await pageNew.goto(path);
    await expect(pageNew).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === path);
    await waitForHydration(pageNew);
    await pageNew.getByRole('link', { name: 'Sign up' }).click();
    await expect(pageNew).toHaveURL((u) => u.pathname === '/signup' && u.searchParams.get('next') === path);
    await waitForHydration(pageNew);
    const username = uniqueUsername();
    const password = uniquePassword();
    await pageNew.getByLabel('Username', { exact: true }).fill(username);
    await pageNew.getByLabel('Password', { exact: true }).fill(password);
    await pageNew.getByLabel('Confirm password', { exact: true }).fill(password);
    await pageNew.getByRole('button', { name: 'Sign up' }).click();
    await expect(pageNew).toHaveURL(atPath(path));
    const card = pageNew.getByRole('listitem').filter({ hasText: owner.username });
    await card.getByRole('button', { name: 'Add' }).click();
    await card.getByLabel('Note').fill('Scanned your code');
    await card.getByRole('button', { name: 'Send' }).click();
    await expect(card).toContainText('Request sent');
    const requests = await apiOwner.call('list_friend_requests', {});
    expect(requests.some((r: { note: string }) => r.note === 'Scanned your code')).toBeTruthy();

    // Resetting the code kills the old link.
    pageOwner.once('dialog', (dialog) => dialog.accept());
    await pageOwner.getByRole('button', { name: 'Reset QR code' }).click();
    await expect(pageOwner.getByTestId('link-url')).not.toHaveText(url);
    await pageNew.goto(path);
    await expect(pageNew.getByRole('alert')).toContainText('not found', { ignoreCase: true });
  } finally {
    await pageOwner.context().close();
    await pageNew.context().close();
    await apiOwner.dispose();
  }
});

test('an admin makes a one-use invite link; a stranger joins through it, the next one cannot', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const owner = { username: uniqueUsername(), password: uniquePassword() };
  const joiner = { username: uniqueUsername(), password: uniquePassword() };
  const late = { username: uniqueUsername(), password: uniquePassword() };
  const apiOwner = await apiUser(baseURL, owner.username, owner.password);
  const apiJoiner = await apiUser(baseURL, joiner.username, joiner.password);
  const apiLate = await apiUser(baseURL, late.username, late.password);
  const name = `Trail runners ${randomSuffix()}`;
  const group = await apiOwner.call('create_group', { name, introduction: 'Sundays at 7', member_ids: [] });
  const pageOwner = await phone(browser, baseURL);
  const pageJoiner = await phone(browser, baseURL);
  try {
    await logIn(pageOwner, owner.username, owner.password);
    await pageOwner.goto(`/group/${group.id}`);
    await pageOwner.getByRole('link', { name: 'QR code & invite links' }).click();
    await expect(pageOwner).toHaveURL(atPath(`/group/${group.id}/links`));
    await expect(pageOwner.getByText('No live invite links')).toBeVisible();
    await pageOwner.getByLabel('Valid for').selectOption({ label: '1 day' });
    await pageOwner.getByLabel('Uses allowed').selectOption({ label: '1' });
    await pageOwner.getByRole('button', { name: 'Create invite link' }).click();
    const invite = pageOwner.getByTestId('invite-link');
    await expect(invite).toHaveCount(1);
    await expect(invite).toContainText('Used 0 of 1 times');
    await expect(invite.getByRole('img', { name: 'QR code' }).locator('svg')).toBeVisible();
    const url = (await invite.getByTestId('link-url').textContent())!.trim();
    expect(url).toMatch(/\/join\/[A-Za-z0-9]{12}$/);
    const path = new URL(url).pathname;

    await logIn(pageJoiner, joiner.username, joiner.password);
    await pageJoiner.goto(path);
    await expect(pageJoiner.getByRole('heading', { name })).toBeVisible();
    await expect(pageJoiner.getByText(`${owner.username} invited you to this group`)).toBeVisible();
    await expect(pageJoiner.getByText('1 members')).toBeVisible();
    await pageJoiner.getByRole('button', { name: 'Join group' }).click();
    await expect(pageJoiner).toHaveURL(atPath(`/chat/${group.conversation_id}`));
    await expect(pageJoiner.getByText(`${joiner.username} joined through an invite link shared by ${owner.username}`)).toBeVisible();

    // Members choose the name they go by in the group; the owner sees it.
    await pageJoiner.goto(`/group/${group.id}`);
    await pageJoiner.getByRole('button', { name: /My alias in this group/ }).click();
    await pageJoiner.getByLabel('My alias in this group').fill('Fast Eddie');
    await pageJoiner.getByRole('button', { name: 'Save' }).click();
    await expect(pageJoiner.getByRole('button', { name: /My alias in this group/ })).toContainText('Fast Eddie');
    await pageOwner.goto(`/group/${group.id}`);
    await expect(pageOwner.locator('.member').filter({ hasText: 'Fast Eddie' })).toBeVisible();

    // The one use is spent.
    const refused = await apiLate.attempt('join_group_by_invite', { code: path.split('/').pop() });
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('link_expired');
    await pageOwner.goto(`/group/${group.id}/links`);
    await expect(pageOwner.getByText('No live invite links')).toBeVisible();
  } finally {
    await pageOwner.context().close();
    await pageJoiner.context().close();
    await apiOwner.dispose();
    await apiJoiner.dispose();
    await apiLate.dispose();
  }
});
