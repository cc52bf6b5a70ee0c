import { devices, expect, test } from '@playwright/test';
import { apiUser, befriend, logIn, randomSuffix, uniquePassword, uniqueUsername, useEnglish } from '../support';

/** Records what the app asks of the browser's Notification and AudioContext. */
const STUBS = `
  window.__notes = [];
  window.__chimes = 0;
  class RecordingNotification {
    constructor(title, options) { window.__notes.push({ title, body: options && options.body }); }
    // The browser remembers a grant across reloads, as a real one does.
    static get permission() { return localStorage.getItem('test-granted') ? 'granted' : 'default'; }
    static requestPermission() { localStorage.setItem('test-granted', '1'); return Promise.resolve('granted'); }
  }
  window.Notification = RecordingNotification;
  const param = () => ({ value: 0, linearRampToValueAtTime() {} });
  const node = (extra) => Object.assign({ connect() {} }, extra);
  window.AudioContext = class {
    constructor() { window.__chimes += 1; this.currentTime = 0; this.destination = node({}); }
    createOscillator() { return node({ frequency: param(), start() {}, stop() {} }); }
    createGain() { return node({ gain: param() }); }
  };
`;

test('notifications: asked for from Me, shown for a new message elsewhere, silent when muted; unread in the title', async ({ browser, baseURL }) => {
  const tag = randomSuffix();
  const b = { username: uniqueUsername(), password: uniquePassword() };
  const apiA = await apiUser(baseURL, uniqueUsername(), uniquePassword());
  const apiB = await apiUser(baseURL, b.username, b.password);
  const conv = await befriend(apiA, apiB);
  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL });
  await useEnglish(context, baseURL);
  await context.addInitScript(STUBS);
  const page = await context.newPage();
  try {
    await logIn(page, b.username, b.password);
    // Nothing is asked on load: the switch is off until the user turns it on.
    await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Me' }).click();
    const system = page.getByRole('switch', { name: 'System notifications' });
    await expect(system).toBeEnabled();
    await expect(system).not.toBeChecked();
    await system.check();
    await expect(system).toBeChecked();
    await expect(page.getByRole('switch', { name: 'Sound' })).toBeChecked();

    // A message while the user is on another page: a notification, a chime, and the count in
    // the title.
    await apiA.call('send_message', { conversation_id: conv, client_msg_id: `n1-${tag}`, body: { type: 'text', text: `ping ${tag}` } });
    await expect.poll(() => page.evaluate(() => (window as any).__notes.map((n: any) => n.body))).toContain(`ping ${tag}`);
    expect(await page.evaluate(() => (window as any).__chimes)).toBeGreaterThan(0);
    await expect(page).toHaveTitle('(1) Parley');

    // Muted: silent (the title still counts nothing for it).
    await apiB.call('set_conversation_flags', { conversation_id: conv, pinned: false, muted: true });
    await expect(page).toHaveTitle('Parley');
    await apiA.call('send_message', { conversation_id: conv, client_msg_id: `n2-${tag}`, body: { type: 'text', text: `quiet ${tag}` } });
    await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Chats' }).click();
    await expect(page.getByRole('list', { name: 'Chats' }).getByText(`quiet ${tag}`)).toBeVisible();
    expect(await page.evaluate(() => (window as any).__notes.map((n: any) => n.body))).not.toContain(`quiet ${tag}`);

    // The switch stays as set on this device.
    await page.reload();
    await page.getByRole('navigation', { name: 'Tabs' }).getByRole('link', { name: 'Me' }).click();
    await expect(page.getByRole('switch', { name: 'System notifications' })).toBeChecked();
  } finally {
    await context.close();
    await apiA.dispose();
    await apiB.dispose();
  }
});
