import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import { devices, expect, request } from '@playwright/test';

/** The language cookie Parley reads; `en` shows the English labels. */
export const LANG_COOKIE = 'parley_lang';

/** The password of every demo account created by `parley seed-demo`. */
export const DEMO_PASSWORD = 'parley-demo';

/** A short random suffix of lower-case letters and digits (valid in usernames). */
export function randomSuffix(): string {
  return Date.now().toString(36).slice(-5) + Math.random().toString(36).slice(2, 8);
}

/** A username nobody has used yet, e.g. `e2e_lx3k9q2a7b`. */
export function uniqueUsername(): string {
  return `e2e_${randomSuffix()}`;
}

/** A password that passes Parley's rules (long enough, not a common one). */
export function uniquePassword(): string {
  return `pw-${randomSuffix()}-Kq7`;
}

/** Makes every page of `context` English. */
export async function useEnglish(context: BrowserContext, baseURL: string | undefined): Promise<void> {
  await context.addCookies([{ name: LANG_COOKIE, value: 'en', url: requireBaseURL(baseURL) }]);
}

/** A URL predicate for `expect(page).toHaveURL(...)`: the path is exactly `path`. */
export function atPath(path: string): (url: URL) => boolean {
  return (url: URL) => url.pathname === path;
}

/**
 * Creates an account through the API with a request context of its own, so its session
 * cookie never reaches the browser under test.
 */
export async function signUpThroughApi(baseURL: string | undefined, username: string, password: string): Promise<void> {
  const base = requireBaseURL(baseURL);
  const api: APIRequestContext = await request.newContext({ baseURL: base });
  try {
    const response = await api.post(`${base}/api/sign_up`, {
      data: { username, password },
      headers: { Origin: base },
    });
    expect(response.ok(), `sign_up answered ${response.status()}: ${await response.text()}`).toBeTruthy();
  } finally {
    await api.dispose();
  }
}

function requireBaseURL(baseURL: string | undefined): string {
  if (!baseURL) {
    throw new Error('baseURL is not set (PARLEY_E2E_BASE_URL)');
  }
  return baseURL.replace(/\/+$/, '');
}

/** A user driven through the API with a request context (a device) of its own. */
export interface ApiUser {
  id: number;
  call: (name: string, data: object) => Promise<any>;
  /** Posts to `/api/<name>` and returns the status and parsed body, success or not. */
  attempt: (name: string, data: object) => Promise<{ status: number; body: any }>;
  dispose: () => Promise<void>;
}

/**
 * Signs a new user up through the API; `call` posts to `/api/<name>` and expects success (after
 * waiting out a `429` as `Retry-After` says),
 * `attempt` returns whatever the server answered.
 */
export async function apiUser(baseURL: string | undefined, username: string, password: string): Promise<ApiUser> {
  const base = requireBaseURL(baseURL);
  const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { Origin: base } });
  const signUp = await api.post('/api/sign_up', { data: { username, password } });
  expect(signUp.ok(), await signUp.text()).toBeTruthy();
  const me = await signUp.json();
  // A well-behaved client: when Parley answers 429 (a user may send 10 messages a second), it
  // waits as long as `Retry-After` says and tries again, a few times at most.
  const call = async (name: string, data: object) => {
    for (let attempt = 0; ; attempt++) {
      const res = await api.post(`/api/${name}`, { data });
      if (res.status() === 429 && attempt < 5) {
        const wait = Number(res.headers()['retry-after'] ?? '1');
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5) * 1000));
        continue;
      }
      expect(res.ok(), `${name}: ${res.status()} ${await res.text()}`).toBeTruthy();
      return res.json();
    }
  };
  const attempt = async (name: string, data: object) => {
    const res = await api.post(`/api/${name}`, { data });
    return { status: res.status(), body: await res.json() };
  };
  return { id: me.id as number, call, attempt, dispose: () => api.dispose() };
}

/** Makes two API users friends; returns their conversation id. */
export async function befriend(a: ApiUser, b: ApiUser): Promise<number> {
  const sent = await a.call('send_friend_request', { user_id: b.id, note: '' });
  await b.call('respond_friend_request', { request_id: sent.id, accept: true });
  const friends = await a.call('list_friends', {});
  return friends.find((f: { user_id: number }) => f.user_id === b.id).conversation_id;
}

/**
 * Waits until the log-in or sign-up page has hydrated (its language button is enabled then):
 * text typed before that is lost when the app takes over the inputs.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('.lang-toggle')).toBeEnabled();
}

/** Logs in through the log-in page and waits for the Chats tab. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(atPath('/'));
}

/** A phone (Pixel 7, English) of its own: separate cookies, so a separate user. */
export async function phone(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  return context.newPage();
}

/** Opens a chat and waits until it has hydrated (taps and typing before that are lost). */
export async function openChat(page: Page, conversation: number): Promise<void> {
  await page.goto(`/chat/${conversation}`);
  await expect(page.getByRole('button', { name: 'More', exact: true })).toBeEnabled();
}
