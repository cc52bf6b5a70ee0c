import path from 'node:path';
import { devices, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiUser, befriend, logIn, uniquePassword, uniqueUsername, useEnglish, waitForHydration } from '../support';

const fixtures = path.join(__dirname, '..', 'fixtures');

/**
 * A phone (Pixel 7, English) of its own, with a fake microphone that Chromium grants without
 * asking, and a position for the Location action.
 */
async function phone(browser: Browser, baseURL: string | undefined): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    baseURL,
    permissions: ['geolocation', 'microphone'],
    geolocation: { latitude: 31.2304, longitude: 121.4737 },
  });
  await useEnglish(context, baseURL);
  return { context, page: await context.newPage() };
}


test('photos, files, places and voice notes go from one phone to the other', async ({ browser, baseURL }) => {
  const passwordA = uniquePassword();
  const passwordB = uniquePassword();
  const nameA = uniqueUsername();
  const nameB = uniqueUsername();
  const a = await apiUser(baseURL, nameA, passwordA);
  const b = await apiUser(baseURL, nameB, passwordB);
  const conversation = await befriend(a, b);
  await a.dispose();
  await b.dispose();

  const phoneA = await phone(browser, baseURL);
  const phoneB = await phone(browser, baseURL);
  const pageA = phoneA.page;
  const pageB = phoneB.page;
  try {
    await logIn(pageA, nameA, passwordA);
    await logIn(pageB, nameB, passwordB);
    await pageA.goto(`/chat/${conversation}`);
    await pageB.goto(`/chat/${conversation}`);
    const historyA = pageA.getByRole('list', { name: 'Messages' });
    const historyB = pageB.getByRole('list', { name: 'Messages' });
    const more = pageA.getByRole('button', { name: 'More', exact: true });
    await expect(more).toBeEnabled();

    // A photo from the album: a thumbnail on both phones, sized before it loads.
    await more.click();
    await pageA.getByTestId('album-input').setInputFiles(path.join(fixtures, 'photo.png'));
    const photoB = historyB.locator('.media-photo img');
    await expect(photoB).toBeVisible();
    await expect(photoB).toHaveJSProperty('complete', true);
    expect(await photoB.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
    await expect(historyA.locator('.media-photo')).toBeVisible();
    // Tapping opens the full-screen viewer.
    await historyB.locator('.media-photo').click();
    const viewer = pageB.getByRole('dialog');
    await expect(viewer.locator('.viewer-image')).toBeVisible();
    await expect(viewer.getByText('1 / 1')).toBeVisible();
    await viewer.getByRole('button', { name: 'Close' }).click();
    await expect(viewer).toHaveCount(0);

    // A file: a card with its name and size that downloads.
    await more.click();
    await pageA.getByTestId('file-input').setInputFiles(path.join(fixtures, 'notes.pdf'));
    const fileB = historyB.locator('.media-file');
    await expect(fileB).toContainText('notes.pdf');
    await expect(fileB).toContainText('B');
    const download = pageB.waitForEvent('download');
    await fileB.click();
    expect((await download).suggestedFilename()).toBe('notes.pdf');

    // A place, named before it is sent.
    await more.click();
    await pageA.getByRole('button', { name: 'Location', exact: true }).click();
    await pageA.getByLabel('Place name').fill('The Bund');
    await pageA.getByRole('button', { name: 'Send location' }).click();
    const placeB = historyB.locator('.media-location');
    await expect(placeB).toContainText('The Bund');
    await expect(placeB).toContainText('31.23040, 121.47370');
    await expect(placeB).toHaveAttribute('href', /openstreetmap\.org\/\?mlat=31\.230400&mlon=121\.473700/);

    // A voice note: hold to talk for two seconds with Chromium's fake microphone.
    await pageA.getByRole('button', { name: 'Voice input' }).click();
    const talk = pageA.getByRole('button', { name: 'Hold to talk' });
    const box = await talk.boundingBox();
    if (!box) throw new Error('no talk bar');
    await pageA.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await pageA.mouse.down();
    await expect(pageA.getByRole('button', { name: 'Release to send' })).toBeVisible();
    await pageA.waitForTimeout(2200);
    await pageA.mouse.up();
    const voiceB = historyB.locator('.media-voice');
    await expect(voiceB).toBeVisible();
    await expect(voiceB).toContainText(/[23]"/);
    await expect(historyB.locator('.voice-unplayed:not(.hidden)')).toHaveCount(1);
    await voiceB.click();
    await expect(historyB.locator('.voice-unplayed:not(.hidden)')).toHaveCount(0);
    await expect
      .poll(() => voiceB.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(0);
    // Played stays played after a reload.
    await pageB.reload();
    await expect(historyB.locator('.media-voice')).toBeVisible();
    await expect(historyB.locator('.voice-unplayed')).toHaveCount(1);
    await expect(historyB.locator('.voice-unplayed:not(.hidden)')).toHaveCount(0);

    // The chat list previews the last one as WeChat does.
    await pageB.goto('/');
    await expect(pageB.getByRole('list', { name: 'Chats' })).toContainText(/\[Voice\] [23]"/);
  } finally {
    await phoneA.context.close();
    await phoneB.context.close();
  }
});

test('a new avatar shows on the friend’s phone', async ({ browser, baseURL }) => {
  const passwordA = uniquePassword();
  const passwordB = uniquePassword();
  const nameA = uniqueUsername();
  const nameB = uniqueUsername();
  const a = await apiUser(baseURL, nameA, passwordA);
  const b = await apiUser(baseURL, nameB, passwordB);
  await befriend(a, b);
  await a.dispose();
  await b.dispose();
  const phoneA = await phone(browser, baseURL);
  const phoneB = await phone(browser, baseURL);
  try {
    await logIn(pageOf(phoneA), nameA, passwordA);
    await pageOf(phoneA).goto('/me');
    await waitForHydration(pageOf(phoneA));
    await expect(pageOf(phoneA).getByRole('button', { name: 'Change avatar' })).toBeEnabled();
    await pageOf(phoneA).getByTestId('avatar-input').setInputFiles(path.join(fixtures, 'avatar.png'));
    const mine = pageOf(phoneA).locator('.profile-card .avatar img');
    await expect(mine).toBeVisible();
    // Cropped to a square in the browser.
    await expect(mine).toHaveJSProperty('complete', true);
    expect(await mine.evaluate((img: HTMLImageElement) => img.naturalWidth === img.naturalHeight)).toBe(true);

    await logIn(pageOf(phoneB), nameB, passwordB);
    await pageOf(phoneB).goto('/contacts');
    const friend = pageOf(phoneB).getByRole('link', { name: nameA });
    await expect(friend.locator('.avatar img')).toBeVisible();
  } finally {
    await phoneA.context.close();
    await phoneB.context.close();
  }
});

function pageOf(p: { page: Page }): Page {
  return p.page;
}
