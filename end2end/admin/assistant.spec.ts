import { expect, test } from '@playwright/test';
import { atPath, DEMO_PASSWORD, randomSuffix, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

test('an administrator teaches the assistant an answer; a user asks it on the phone and gets it', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  await useEnglish(page.context(), baseURL);
  await page.goto('/admin/login');
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/admin\/login/);

  // Console › Assistant: the table that ships with Parley, and a new entry.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Assistant' }).click();
  await expect(page).toHaveURL(/\/admin\/assistant$/);
  const table = page.getByRole('table', { name: 'Assistant answers' });
  await expect(table.getByText('How do I add a friend?')).toBeVisible();
  const word = `standup${randomSuffix()}`.toLowerCase();
  const answer = `The ${word} is at 9:30 in room 2 · 九点半在二号会议室`;
  await page.getByRole('button', { name: 'Save entry' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Give at least one keyword or a question' })).toBeVisible();
  await page.locator('#assistant-keywords').fill(`${word}, 站会${word}`);
  await page.locator('#assistant-question').fill(`When is the ${word}?`);
  await page.locator('#assistant-answer').fill(answer);
  await page.getByRole('button', { name: 'Save entry' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Entry saved' })).toBeVisible();
  const row = page.getByTestId('assistant-answer').filter({ hasText: `When is the ${word}?` });
  await expect(row).toHaveCount(1);

  // On a phone: a new user opens the assistant from Discover and asks.
  const phoneContext = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await useEnglish(phoneContext, baseURL);
  const phone = await phoneContext.newPage();
  try {
    await phone.goto('/signup');
    await waitForHydration(phone);
    const password = uniquePassword();
    await phone.getByLabel('Username', { exact: true }).fill(uniqueUsername());
    await phone.getByLabel('Password', { exact: true }).fill(password);
    await phone.getByLabel('Confirm password', { exact: true }).fill(password);
    await phone.getByRole('button', { name: 'Sign up' }).click();
    await expect(phone).toHaveURL(atPath('/'));
    await phone.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Discover' }).click();
    await expect(phone).toHaveURL(atPath('/discover'));
    const open = phone.getByRole('button', { name: 'Parley Assistant' });
    await expect(open).toBeEnabled();
    await open.click();
    await expect(phone).toHaveURL(/\/chat\/\d+$/);
    const messages = phone.getByRole('list', { name: 'Messages' });
    await expect(messages.getByText("Hi! I'm Parley Assistant", { exact: false })).toBeVisible();

    const composer = phone.getByRole('textbox', { name: 'Message' });
    await expect(composer).toBeEditable();
    await composer.fill(`when is the ${word.toUpperCase()} today?`);
    await phone.getByRole('button', { name: 'Send' }).click();
    await expect(messages.getByText(answer)).toBeVisible({ timeout: 15_000 });

    // Something the table does not know: an apology, in English.
    await composer.fill('What is the meaning of life?');
    await phone.getByRole('button', { name: 'Send' }).click();
    await expect(messages.getByText("Sorry, I don't know the answer to that yet.", { exact: false })).toBeVisible({ timeout: 15_000 });
  } finally {
    await phoneContext.close();
  }

  // The entry is deleted from the console.
  await row.getByRole('button', { name: 'Delete entry' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete entry' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Entry deleted' })).toBeVisible();
  await expect(row).toHaveCount(0);
});
