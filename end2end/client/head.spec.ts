import { expect, test } from '@playwright/test';
import { useEnglish } from '../support';

test.describe('head tags and the web app manifest (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('the log-in page says what Parley is, links its manifest, and the manifest and icons load', async ({
    page,
    request,
  }) => {
    await page.goto('/login');
    await expect(page).toHaveTitle('Log in · Parley');
    const description = await page.locator('meta[name="description"]').getAttribute('content');
    expect(description).toContain('self-hosted messenger');
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Parley');
    await expect(page.locator('meta[property="og:description"]')).toHaveAttribute('content', description ?? '');
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');

    const res = await request.get('/manifest.webmanifest');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('manifest+json');
    const manifest = await res.json();
    expect(manifest).toMatchObject({ name: 'Parley', short_name: 'Parley', display: 'standalone', start_url: '/' });
    const sizes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`);
    expect(sizes).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of manifest.icons) {
      const png = await request.get(icon.src);
      expect(png.status(), icon.src).toBe(200);
      expect(png.headers()['content-type']).toBe('image/png');
    }
  });

  test('until the app has taken over, the page says its controls are coming', async ({ page, request }) => {
    // As served: marked as loading (a thin bar at the top; buttons wait with a progress cursor).
    const html = await (await request.get('/login')).text();
    expect(html).toMatch(/<html lang="[^"]+" data-loading/);
    await page.goto('/login');
    await expect(page.locator('.lang-toggle')).toBeEnabled();
    await expect(page.locator('html')).not.toHaveAttribute('data-loading');
  });

  test('the sign-up page names itself in the title', async ({ page }) => {
    await page.goto('/signup');
    await expect(page).toHaveTitle('Sign up · Parley');
  });
});
