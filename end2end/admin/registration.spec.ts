import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

// Both tests save the whole settings form: one at a time, or one would undo the other.
test.describe.configure({ mode: 'serial' });

test('an administrator closes registration: sign-up is refused until it is opened again', async ({ page, browser, baseURL }) => {
  await useEnglish(page.context(), baseURL);
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  const closed = page.getByRole('radio', { name: /^Closed/ });
  const open = page.getByRole('radio', { name: /^Open/ });
  await expect(open).toBeChecked();
  await closed.check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  const visitor = await browser.newContext({ baseURL });
  await useEnglish(visitor, baseURL);
  const phone = await visitor.newPage();
  try {
    const signUp = async () => {
      await phone.goto('/signup');
      await waitForHydration(phone);
      const password = uniquePassword();
      await phone.getByLabel('Username', { exact: true }).fill(uniqueUsername());
      await phone.getByLabel('Password', { exact: true }).fill(password);
      await phone.getByLabel('Confirm password', { exact: true }).fill(password);
      await phone.getByRole('button', { name: 'Sign up' }).click();
    };
    await signUp();
    await expect(phone.getByRole('alert')).toContainText('Registration is closed');
  } finally {
    // Open again whatever happened: later runs against this server sign people up.
    await open.check();
    const reopened = page.waitForResponse((r) => r.url().endsWith('/api/admin_update_settings'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await reopened).ok()).toBeTruthy();
  }
  await phone.goto('/signup');
  await waitForHydration(phone);
  const password = uniquePassword();
  await phone.getByLabel('Username', { exact: true }).fill(uniqueUsername());
  await phone.getByLabel('Password', { exact: true }).fill(password);
  await phone.getByLabel('Confirm password', { exact: true }).fill(password);
  await phone.getByRole('button', { name: 'Sign up' }).click();
  await expect(phone).toHaveURL((u) => u.pathname === '/');
  await visitor.close();
});

test('the site name and log-in notice an administrator sets show on the phone’s log-in page', async ({ page, browser, baseURL }) => {
  await useEnglish(page.context(), baseURL);
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);
  await page.goto('/admin/settings');
  await waitForHydration(page);
  const name = page.getByLabel('Site name', { exact: true });
  const notice = page.getByLabel('Notice on the log-in pages (optional)', { exact: true });
  await expect(name).toHaveValue('Parley');
  await name.fill('Acme Chat');
  await notice.fill('Maintenance on Sunday night');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  const visitor = await browser.newContext({ baseURL });
  await useEnglish(visitor, baseURL);
  const phone = await visitor.newPage();
  try {
    await phone.goto('/login');
    await expect(phone.locator('.site-name')).toHaveText('Acme Chat');
    await expect(phone.getByRole('note')).toHaveText('Maintenance on Sunday night');
  } finally {
    await name.fill('Parley');
    await notice.fill('');
    const restored = page.waitForResponse((r) => r.url().endsWith('/api/admin_update_settings'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await restored).ok()).toBeTruthy();
    await visitor.close();
  }
});

test('registration by invitation: an administrator hands out a code, a newcomer signs up with its link, a revoked code admits nobody', async ({ page, browser, baseURL }) => {
  await useEnglish(page.context(), baseURL);
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);

  // Registration by invitation, from the settings page.
  await page.goto('/admin/settings');
  await waitForHydration(page);
  const invite = page.getByRole('radio', { name: /^By invitation/ });
  const open = page.getByRole('radio', { name: /^Open/ });
  await invite.check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  const visitor = await browser.newContext({ baseURL });
  await useEnglish(visitor, baseURL);
  const phone = await visitor.newPage();
  try {
    // Without a code the phone's sign-up page asks for one, and the server refuses a wrong one.
    await phone.goto('/signup');
    await waitForHydration(phone);
    const code = phone.getByLabel('Invite code', { exact: true });
    await expect(code).toBeVisible();
    const password = uniquePassword();
    await phone.getByLabel('Username', { exact: true }).fill(uniqueUsername());
    await phone.getByLabel('Password', { exact: true }).fill(password);
    await phone.getByLabel('Confirm password', { exact: true }).fill(password);
    await code.fill('AAAAAAAAAAAA');
    await phone.getByRole('button', { name: 'Sign up' }).click();
    await expect(phone.getByRole('alert')).toContainText('This invite code is not valid');

    // The administrator creates a code for one account.
    await page.getByRole('link', { name: 'Manage invite codes' }).click();
    await expect(page).toHaveURL(/\/admin\/invites$/);
    await waitForHydration(page);
    const form = page.getByRole('form', { name: 'New invite code' });
    await form.getByLabel('Note (whom it is for)').fill('Newcomer in sales');
    await form.getByLabel('Accounts it may make').fill('1');
    await form.getByRole('button', { name: 'Create code' }).click();
    const created = page.getByTestId('created-invite-code');
    await expect(created).toHaveText(/^[A-Za-z0-9]{12}$/);
    const value = (await created.textContent()) ?? '';
    const link = await page.getByLabel('Sign-up link').inputValue();
    expect(link).toContain(`/signup?invite=${value}`);
    const row = page.locator('tr', { hasText: value });
    await expect(row).toContainText('Newcomer in sales');
    await expect(row).toContainText('0 / 1');

    // The newcomer opens the link: the code is filled in, and the sign-up goes through.
    await phone.goto(new URL(link).pathname + new URL(link).search);
    await waitForHydration(phone);
    await expect(phone.getByLabel('Invite code', { exact: true })).toHaveValue(value);
    const name = uniqueUsername();
    const second = uniquePassword();
    await phone.getByLabel('Username', { exact: true }).fill(name);
    await phone.getByLabel('Password', { exact: true }).fill(second);
    await phone.getByLabel('Confirm password', { exact: true }).fill(second);
    await phone.getByRole('button', { name: 'Sign up' }).click();
    await expect(phone).toHaveURL((u) => u.pathname === '/');

    // The console shows the code used up by that account.
    await page.goto('/admin/invites?status=used_up');
    const used = page.locator('tr', { hasText: value });
    await expect(used).toContainText('1 / 1');
    await expect(used).toContainText(`@${name}`);

    // A second code, revoked: it admits nobody.
    await page.goto('/admin/invites');
    await waitForHydration(page);
    await page.getByRole('form', { name: 'New invite code' }).getByRole('button', { name: 'Create code' }).click();
    const revokedValue = (await page.getByTestId('created-invite-code').textContent()) ?? '';
    expect(revokedValue).toMatch(/^[A-Za-z0-9]{12}$/);
    await page.getByRole('button', { name: `Revoke code ${revokedValue}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Invite code revoked' })).toBeVisible();
    await expect(page.locator('tr', { hasText: revokedValue })).toHaveCount(0);

    const other = await browser.newContext({ baseURL });
    await useEnglish(other, baseURL);
    const late = await other.newPage();
    await late.goto(`/signup?invite=${revokedValue}`);
    await waitForHydration(late);
    const third = uniquePassword();
    await late.getByLabel('Username', { exact: true }).fill(uniqueUsername());
    await late.getByLabel('Password', { exact: true }).fill(third);
    await late.getByLabel('Confirm password', { exact: true }).fill(third);
    await late.getByRole('button', { name: 'Sign up' }).click();
    await expect(late.getByRole('alert')).toContainText('This invite code is not valid');
    await other.close();
  } finally {
    await page.goto('/admin/settings');
    await waitForHydration(page);
    await open.check();
    const reopened = page.waitForResponse((r) => r.url().endsWith('/api/admin_update_settings'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await reopened).ok()).toBeTruthy();
    await visitor.close();
  }
});
