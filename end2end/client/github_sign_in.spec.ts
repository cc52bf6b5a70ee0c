import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { atPath, randomSuffix, uniquePassword, useEnglish } from '../support';

/**
 * A fake GitHub on the port `cargo xtask test` configured the server with
 * (`PARLEY_E2E_GITHUB_PORT`): an authorization page with an "Authorize" button, the token
 * endpoint (client secret and PKCE checked) and `/user`.
 */
const port = Number(process.env.PARLEY_E2E_GITHUB_PORT ?? 0);
const CLIENT_ID = 'parley-e2e';
const CLIENT_SECRET = 'parley-e2e-secret';
/** A 1×1 PNG. */
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface Grant {
  challenge: string;
  redirectUri: string;
}

async function startFakeGitHub(login: string, id: number): Promise<{ server: Server; exchanges: () => number }> {
  const grants = new Map<string, Grant>();
  const tokens = new Set<string>();
  let exchanges = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const q = url.searchParams;
        if (q.get('client_id') !== CLIENT_ID || q.get('code_challenge_method') !== 'S256') {
          res.statusCode = 400;
          res.end('bad request');
          return;
        }
        const code = randomBytes(8).toString('hex');
        grants.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '' });
        const back = new URL(q.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><title>Authorize Parley</title><h1>Authorize Parley</h1>
          <p>Parley wants to read your profile.</p><a href="${back.toString()}">Authorize</a>`);
        return;
      }
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const grant = grants.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        res.setHeader('content-type', 'application/json');
        if (
          !grant ||
          form.get('client_id') !== CLIENT_ID ||
          form.get('client_secret') !== CLIENT_SECRET ||
          form.get('redirect_uri') !== grant.redirectUri ||
          challenge !== grant.challenge
        ) {
          res.end(JSON.stringify({ error: 'bad_verification_code' }));
          return;
        }
        grants.delete(form.get('code') ?? '');
        const token = randomBytes(16).toString('hex');
        tokens.add(token);
        exchanges++;
        res.end(JSON.stringify({ access_token: token, token_type: 'bearer', scope: 'read:user' }));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/api/user') {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        res.setHeader('content-type', 'application/json');
        if (!tokens.has(token)) {
          res.statusCode = 401;
          res.end(JSON.stringify({ message: 'Bad credentials' }));
          return;
        }
        res.end(
          JSON.stringify({
            id,
            login,
            name: 'E2E Octocat',
            avatar_url: `http://127.0.0.1:${port}/avatar.png`,
          }),
        );
        return;
      }
      if (url.pathname === '/avatar.png') {
        res.setHeader('content-type', 'image/png');
        res.end(PICTURE);
        return;
      }
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, exchanges: () => exchanges };
}

test.describe('sign in with GitHub (English)', () => {
  // One fake GitHub on one port: the tests of this file run one after the other.
  test.describe.configure({ mode: 'serial' });
  test.skip(!port, 'needs the fake GitHub that `cargo xtask test` configures (PARLEY_E2E_GITHUB_PORT)');

  test.beforeEach(async ({ context, baseURL }) => {
    await useEnglish(context, baseURL);
  });

  test('a newcomer signs in with GitHub from the log-in page, sets a password and unlinks GitHub', async ({ page }) => {
    test.setTimeout(90_000);
    const login = `E2E-Octo-${randomSuffix()}`;
    const fake = await startFakeGitHub(login, 10_000 + Math.floor(Math.random() * 1_000_000_000));
    try {
      await page.goto('/login');
      const github = page.getByRole('link', { name: 'GitHub' });
      await expect(github).toBeVisible();
      await expect(page.getByText('Or sign in with')).toBeVisible();
      await github.click();

      // The provider's page, then back to Parley signed in.
      await expect(page.getByRole('heading', { name: 'Authorize Parley' })).toBeVisible();
      await page.getByRole('link', { name: 'Authorize' }).click();
      await expect(page).toHaveURL(atPath('/'));
      expect(fake.exchanges()).toBe(1);

      await page.goto('/me');
      await expect(page.getByText('E2E Octocat').first()).toBeVisible();
      await expect(page.getByText(`@${login.toLowerCase()}`).or(page.getByText(login.toLowerCase())).first()).toBeVisible();

      await page.getByRole('link', { name: 'Sign-in methods' }).click();
      await expect(page).toHaveURL(atPath('/me/sign-in'));
      const row = page.locator('[data-provider="github"]');
      await expect(row).toContainText(`Linked: ${login}`);
      await expect(page.locator('.method-row').first()).toContainText('Not set');

      // The only way in cannot go…
      await row.getByRole('button', { name: 'Unlink' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByRole('alert')).toContainText('This is your only way to sign in');

      // …until there is a password.
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
      await page.getByLabel('Set a password', { exact: true }).fill(uniquePassword());
      await page.getByRole('button', { name: 'Set a password' }).click();
      await expect(page.locator('.method-row').first()).toContainText('Set');
      await row.getByRole('button', { name: 'Unlink' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(row).toContainText('Not linked');
      await expect(row.getByRole('link', { name: 'Link' })).toBeVisible();

      // Linking it again goes through GitHub and comes back here.
      await row.getByRole('link', { name: 'Link' }).click();
      await page.getByRole('link', { name: 'Authorize' }).click();
      await expect(page).toHaveURL(atPath('/me/sign-in'));
      await expect(page.getByRole('status')).toContainText('Account linked');
      await expect(page.locator('[data-provider="github"]')).toContainText(`Linked: ${login}`);
    } finally {
      fake.server.close();
    }
  });

  test('a forged sign-in is refused with a translated message', async ({ page }) => {
    await page.goto('/auth/github/callback?code=forged&state=forged');
    await expect(page).toHaveURL(atPath('/login'));
    await expect(page.getByRole('alert')).toContainText('This sign-in has expired or was already used');
  });
});
