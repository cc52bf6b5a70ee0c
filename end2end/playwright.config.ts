import { defineConfig, devices } from '@playwright/test';

/**
 * Parley's end-to-end tests in Debian's headless Chromium.
 *
 * `cargo xtask test` builds Parley, starts a server on a free port with fresh demo data and sets
 * PARLEY_E2E_BASE_URL. Against a server started by `cargo xtask run`, the default below applies.
 */
const baseURL = process.env.PARLEY_E2E_BASE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: '.',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // A fake microphone (a beep) granted without a prompt, for the voice-note tests.
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
  },
  projects: [
    {
      name: 'client',
      testMatch: 'client/*.spec.ts',
      use: { ...devices['Pixel 7'] },
    },
    {
      name: 'admin',
      testMatch: 'admin/*.spec.ts',
      testIgnore: 'admin/registration.spec.ts',
      use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } },
    },
    {
      // Closing registration for a moment would refuse the other tests' sign-ups: it runs
      // once everything else has finished.
      name: 'registration',
      testMatch: 'admin/registration.spec.ts',
      dependencies: ['client', 'admin'],
      use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } },
    },
  ],
});
