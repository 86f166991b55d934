/**
 * A person in a real headless Chromium (the OS package, driven by playwright-core): signs in
 * through the emulator's "Continue as" page, sees the demo runner's page, logs out with its form
 * button, lands on "Signed out", and is asked to sign in again on the next visit; a bad callback
 * shows a small HTML page. The gateway runs in Node here (the same library code the Worker runs;
 * every item is also tested in workerd and Node at fetch level in test/gateway). The demo runner imports
 * the package by name (dist/), so `npm run build` must have run first, as CI does.
 *
 * Skips, saying so, only when no Chromium is installed (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/index.js';
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { type ServedHandler, serve } from '../../src/node/index.js';
import { createCloudEmulator } from '../../src/testing/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IDENTITY_KEY = 'browser-journey-identity-key-0123456789abcdef';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

if (!HAVE_CHROMIUM) {
  console.warn(
    `test/browser: no Chromium at ${CHROMIUM} (apt-get install -y chromium); the browser journey is skipped`,
  );
}

const servers: ServedHandler[] = [];
let browser: Browser | undefined;
let base = '';

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  if (!existsSync(`${ROOT}dist/index.js`))
    throw new Error('the demo runner imports dist/: run `npm run build` first');
  const emulator = createCloudEmulator({ projectId: 'proj_browser', autoApprove: false });
  const cloud = await serve((request) => emulator.fetch(request), { hostname: '127.0.0.1' });
  servers.push(cloud);
  let env: Record<string, unknown> = {};
  const gateway = createGateway({ onError: () => {} });
  const front = await serve((request) => gateway.fetch(request, env), { hostname: '127.0.0.1' });
  servers.push(front);
  base = front.url;
  const { createDemoRunner } = await import(`${ROOT}examples/demo-runner/app.mjs`);
  const runner = await serve(
    await createDemoRunner({ key: IDENTITY_KEY, issuer: base, audience: 'demo-runner' }),
    { hostname: '127.0.0.1' },
  );
  servers.push(runner);
  env = {
    UPSTREAM_URL: runner.url,
    MASTRA_CLOUD_API_URL: cloud.url,
    PROJECT_ID: 'proj_browser',
    PUBLIC_ORIGIN: base,
    SESSION_SECRET: 'browser-journey-session-secret-0123456789ab',
    IDENTITY_SIGNING_KEY: IDENTITY_KEY,
    IDENTITY_AUDIENCE: 'demo-runner',
    AUTH_COOKIE_SECURE: 'false',
    AUTH_KV: new MemoryKVStore(),
  };
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
});

describe.skipIf(!HAVE_CHROMIUM)('in a real browser', () => {
  it('signs in, logs out to "Signed out", and is asked to sign in again', { timeout: 60_000 }, async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(`${base}/`);
    // The emulator's sign-in page (Cloud is another origin).
    const proceed = page.getByRole('button', { name: /Continue as Demo User/ });
    await proceed.waitFor();
    await Promise.all([page.waitForURL(`${base}/`), proceed.click()]);
    expect(await page.locator('body').innerText()).toContain('Signed in as Demo User');
    expect(await page.locator('pre').innerText()).toContain('"verifiedBy": "X-Mastra-Identity"');

    await Promise.all([
      page.waitForURL(`${base}/auth/signed-out`),
      page.getByRole('button', { name: 'Log out' }).click(),
    ]);
    expect(await page.locator('h1').innerText()).toBe('Signed out');
    const signIn = page.getByRole('button', { name: 'Sign in' });
    expect(await signIn.isVisible()).toBe(true);
    expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain('mastra_session');

    // A protected page now asks to sign in instead of signing back in silently.
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: /Continue as Demo User/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/auth/oss');
    // And the "Sign in" button on the signed-out page leads there too.
    await page.goto(`${base}/auth/signed-out`);
    await Promise.all([
      page.waitForURL(/\/auth\/oss\?/),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await page.close();
  });

  it('shows a small page with a way on for a bad callback; fetch() from the page still gets JSON', {
    timeout: 30_000,
  }, async () => {
    const page = await (browser as Browser).newPage();
    const response = await page.goto(`${base}/auth/callback?code=x&state=forged`);
    expect(response?.status()).toBe(400);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.locator('h1').innerText()).toBe('Sign-in could not be completed');
    expect(await page.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe('/auth/login');
    // The error page's CSP allows no script requests at all; a script on another page of the site asks.
    await page.goto(`${base}/auth/health`);
    const fromScript = await page.evaluate(async () => {
      const answer = await fetch('/auth/callback?code=x&state=forged');
      return { type: answer.headers.get('content-type'), body: await answer.json() };
    });
    expect(fromScript.type).toContain('application/json');
    expect(fromScript.body).toMatchObject({ error: 'invalid_state' });
    await page.close();
  });
});
