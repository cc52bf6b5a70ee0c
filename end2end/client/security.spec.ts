import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import {
  DEMO_PASSWORD,
  atPath,
  logIn,
  signUpThroughApi,
  uniquePassword,
  uniqueUsername,
  useEnglish,
  waitForHydration,
} from '../support';

/**
 * Collects the page's Content Security Policy violations (the init script runs before any of
 * the page's own, outside its policy).
 */
async function watchPolicy(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as any).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const console: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) {
      console.push(msg.text());
    }
  });
  return async () => [...(await page.evaluate(() => (window as any).__cspViolations as string[])), ...console];
}

test.describe('security (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('the apps hydrate and chat under their Content Security Policy', async ({ page }) => {
    const violations = await watchPolicy(page);
    const login = await page.goto('/login');
    const policy = login?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("'wasm-unsafe-eval'");
    expect(policy).toMatch(/'nonce-[A-Za-z0-9_-]{22}'/);
    expect(policy).not.toContain("'unsafe-eval'");
    expect(login?.headers()['x-frame-options']).toBe('DENY');

    await logIn(page, 'user', DEMO_PASSWORD);
    // The chat list, a group chat with its history and a live socket, the Me page.
    await page.getByText('谈笑有鸿儒').first().click();
    const history = page.getByRole('list', { name: 'Messages' });
    await expect(history.getByText('这里是管理员的群，欢迎大家。')).toBeVisible();
    const text = `policy check ${Date.now()}`;
    await page.getByLabel('Message', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(history.getByText(text)).toBeVisible();
    await page.goto('/me');
    await waitForHydration(page);
    expect(await violations()).toEqual([]);

    await page.goto('/admin/login');
    await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
    expect(await violations()).toEqual([]);
  });

  test('too many wrong passwords are refused with a translated wait', async ({ page, baseURL }) => {
    const username = uniqueUsername();
    const password = uniquePassword();
    await signUpThroughApi(baseURL, username, password);
    await page.goto('/login');
    await waitForHydration(page);
    await page.getByLabel('Username', { exact: true }).fill(username);
    const alert = page.getByRole('alert');
    // As many wrong guesses from one address as the server allows at once (PARLEY_LOGIN_BURST,
    // 10 by default); the next is refused before it is checked.
    const burst = Number(process.env.PARLEY_E2E_LOGIN_BURST ?? '10');
    const attempt = async (password: string) => {
      await page.getByLabel('Password', { exact: true }).fill(password);
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/log_in'));
      await page.getByRole('button', { name: 'Log in' }).click();
      return (await answered).status();
    };
    for (let i = 0; i < burst; i++) {
      expect(await attempt(`wrong-guess-${i}`)).toBe(401);
      await expect(alert.filter({ hasText: 'Wrong username or password' })).toBeVisible();
    }
    expect(await attempt(password)).toBe(429);
    await expect(alert.filter({ hasText: /Too many requests.*\(\d+ s until you can retry\)/ })).toBeVisible();
    await expect(page).toHaveURL(atPath('/login'));
  });
});
