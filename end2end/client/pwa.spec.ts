import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { atPath, logIn, signUpThroughApi, uniquePassword, uniqueUsername, useEnglish } from '../support';

/** Waits until a service worker controls `page` and returns the build the page was rendered by. */
async function controlled(page: Page): Promise<string> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const build = await page.locator('meta[name="parley-build"]').getAttribute('content');
  expect(build, 'the page names its build').toBeTruthy();
  return build ?? '';
}

/** The names of Parley's caches in `page`'s origin. */
async function cacheNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('parley-')));
}

test.describe('installable and offline (English)', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('the manifest and the service worker register, and the build is cached', async ({ page, request }) => {
    await page.goto('/login');
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
    const build = await controlled(page);
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { scope: registration.scope, script: registration.active?.scriptURL ?? '' };
    });
    expect(new URL(worker.scope).pathname).toBe('/');
    expect(new URL(worker.script).pathname).toBe('/sw.js');
    // What Chromium checks before it offers "Add to home screen" / "Install app". The test's
    // browser context is off the record, which Chromium names too ("in-incognito"); everything
    // else it checks (manifest, icons, the worker) is Parley's.
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);

    const script = await request.get('/sw.js');
    expect(script.status()).toBe(200);
    expect(script.headers()['content-type']).toContain('javascript');
    expect(script.headers()['cache-control']).toBe('no-cache');
    expect(await script.text()).toContain(`const BUILD = "${build}";`);

    await expect.poll(() => cacheNames(page)).toContain(`parley-assets-${build}`);
    const cached = await page.evaluate(async (name) => {
      const cache = await caches.open(name);
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    }, `parley-assets-${build}`);
    const [js, wasm, css] = build.split('.');
    expect(cached).toEqual(
      expect.arrayContaining([
        `/pkg/parley.${js}.js`,
        `/pkg/parley.${wasm}.wasm`,
        `/pkg/parley.${css}.css`,
        '/manifest.webmanifest',
        '/icons/icon-192.png',
      ]),
    );
  });

  test('the chat list hydrates from what the server rendered, without asking again', async ({ page, baseURL }) => {
    const username = uniqueUsername();
    const password = uniquePassword();
    await signUpThroughApi(baseURL, username, password);
    await logIn(page, username, password);
    await page.goto('/');
    await expect(page.getByRole('list', { name: 'Chats' }).getByRole('listitem')).toHaveCount(1);
    let calls: string[] = [];
    // Only what the new page asks for counts (not the calls of the page that logged in).
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) {
        calls = [];
      }
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) {
        calls.push(url.pathname);
      }
    });
    const checked = new Promise<string>((resolve) => {
      page.on('websocket', (ws) =>
        ws.on('framereceived', (frame) => {
          const payload = String(frame.payload);
          if (payload.includes('"type":"lists_checked"')) {
            resolve(payload);
          }
        }),
      );
    });
    await page.reload();
    // The first connection asks whether the rendered lists are still current: they are.
    expect(await checked).toContain('"current":true');
    await expect(page.getByRole('list', { name: 'Chats' }).getByRole('listitem')).toHaveCount(1);
    // Time for anything that would fetch again to do so.
    await page.waitForTimeout(1000);
    expect(calls).toEqual([]);
  });

  test('offline after one visit, the chat list still shows, with the offline banner', async ({ page, context, baseURL }) => {
    const username = uniqueUsername();
    const password = uniquePassword();
    await signUpThroughApi(baseURL, username, password);
    await page.goto('/login');
    await controlled(page);
    await logIn(page, username, password);
    const chats = page.getByRole('list', { name: 'Chats' });
    await expect(chats.getByRole('listitem').filter({ hasText: 'Parley Assistant' })).toBeVisible();
    // Signing in keeps the chat list for offline use.
    await expect
      .poll(() => page.evaluate(async () => (await caches.match('/')) !== undefined))
      .toBe(true);
    await expect(page.getByRole('status').filter({ hasText: "You're offline" })).toHaveCount(0);

    await context.setOffline(true);
    await page.reload();
    await expect(page).toHaveURL(atPath('/'));
    await expect(page.locator('html')).toHaveAttribute('data-offline', '');
    await expect(page.getByRole('status').filter({ hasText: "You're offline" })).toBeVisible();
    await expect(chats.getByRole('listitem').filter({ hasText: 'Parley Assistant' })).toBeVisible();
    // A page that was never kept says it needs the network.
    await page.goto('/contacts');
    await expect(page.getByRole('alert')).toContainText('You are offline');

    // Back online, the live chat list returns and the banner goes.
    await context.setOffline(false);
    await page.goto('/');
    await expect(chats.getByRole('listitem').filter({ hasText: 'Parley Assistant' })).toBeVisible();
    await expect(page.locator('html')).not.toHaveAttribute('data-offline');
    await expect(page.getByRole('status').filter({ hasText: "You're offline" })).toHaveCount(0);

    // Logging out forgets the kept chat list.
    await page.goto('/me');
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(page).toHaveURL(atPath('/login'));
    await expect
      .poll(() => page.evaluate(async () => (await caches.match('/')) !== undefined))
      .toBe(false);
  });
});

/** A Parley server of its own, serving a copy of the site root that a test can "redeploy". */
class OwnServer {
  constructor(
    readonly base: string,
    readonly siteRoot: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnServer> {
    const root = process.cwd();
    const binary = process.env.PARLEY_E2E_SERVER_BIN ?? path.join(root, 'target/debug/parley');
    const site = process.env.PARLEY_E2E_SITE_ROOT ?? path.join(root, 'target/site');
    const adminSite = process.env.PARLEY_E2E_ADMIN_SITE_ROOT ?? path.join(root, 'target/site-admin');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-pwa-'));
    const siteRoot = path.join(dir, 'site');
    fs.cpSync(site, siteRoot, { recursive: true });
    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'server.log'), 'a');
    const child = spawn(binary, ['serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        PARLEY_ADDR: `127.0.0.1:${port}`,
        PARLEY_DATA_DIR: path.join(dir, 'data'),
        PARLEY_SITE_ROOT: siteRoot,
        PARLEY_ADMIN_SITE_ROOT: adminSite,
      },
      stdio: ['ignore', log, log],
    });
    const base = `http://127.0.0.1:${port}`;
    const server = new OwnServer(base, siteRoot, child, dir);
    for (let i = 0; i < 600; i++) {
      const ready = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
      if (ready) {
        return server;
      }
      if (child.exitCode !== null) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    server.stop();
    throw new Error(`the server did not start: ${fs.readFileSync(path.join(dir, 'server.log'), 'utf8')}`);
  }

  /** Puts a new build in place, as a deployment would: the bundles under new content-hashed
   * names (the stylesheet really changed) and a hash file naming them. Returns its build. */
  deployNewBuild(): string {
    const hashFile = path.join(this.siteRoot, 'hash.txt');
    const lines = fs.readFileSync(hashFile, 'utf8').trim().split('\n');
    const hashes: Record<string, string> = {};
    for (const line of lines) {
      const [file, hash] = line.split(':').map((s) => s.trim());
      hashes[file] = hash;
    }
    const next: Record<string, string> = {};
    for (const ext of ['js', 'wasm', 'css']) {
      next[ext] = `${hashes[ext]}n2`;
      const from = path.join(this.siteRoot, 'pkg', `parley.${hashes[ext]}.${ext}`);
      const to = path.join(this.siteRoot, 'pkg', `parley.${next[ext]}.${ext}`);
      fs.copyFileSync(from, to);
    }
    fs.appendFileSync(path.join(this.siteRoot, 'pkg', `parley.${next.css}.css`), '\n/* build 2 */\n');
    fs.writeFileSync(hashFile, `js: ${next.js}\nwasm: ${next.wasm}\ncss: ${next.css}\n`);
    return `${next.js}.${next.wasm}.${next.css}`;
  }

  stop(): void {
    this.child.kill('SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

test.describe('a new release (English)', () => {
  let server: OwnServer;

  test.beforeAll(async () => {
    server = await OwnServer.start();
  });

  test.afterAll(() => {
    server?.stop();
  });

  test('an open page offers to reload into the new build, and a reload picks it up', async ({ page, context }) => {
    await useEnglish(context, server.base);
    await page.goto(`${server.base}/login`);
    const first = await controlled(page);
    await expect.poll(() => cacheNames(page)).toContain(`parley-assets-${first}`);

    const second = server.deployNewBuild();
    expect(second).not.toBe(first);
    // What an open page does every half hour, and a browser at every visit: look for a new worker.
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    const prompt = page.getByRole('alert').filter({ hasText: 'A new version of Parley is ready' });
    await expect(prompt).toBeVisible();
    // The new build's worker has taken over and removed the old build's caches.
    await expect.poll(() => cacheNames(page)).toContain(`parley-assets-${second}`);
    expect(await cacheNames(page)).not.toContain(`parley-assets-${first}`);

    await prompt.getByRole('button', { name: 'Reload' }).click();
    await expect(page.locator('meta[name="parley-build"]')).toHaveAttribute('content', second);
    const css = second.split('.')[2];
    await expect(page.locator('link#leptos')).toHaveAttribute('href', new RegExp(`parley\\.${css}\\.css$`));
    await expect(page.getByRole('alert').filter({ hasText: 'A new version' })).toHaveCount(0);
    // The new build hydrates: the log-in form works.
    await expect(page.locator('.lang-toggle')).toBeEnabled();
  });

  test('after a release, a plain reload never shows the old build', async ({ page, context }) => {
    await useEnglish(context, server.base);
    await page.goto(`${server.base}/login`);
    const before = await controlled(page);
    const after = server.deployNewBuild();
    await page.reload();
    await expect(page.locator('meta[name="parley-build"]')).toHaveAttribute('content', after);
    expect(after).not.toBe(before);
    await expect(page.locator('.lang-toggle')).toBeEnabled();
  });
});
